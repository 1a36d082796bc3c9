#!/usr/bin/env bash
# Seminar Archive's desktop integration for the current user (make install-desktop and
# make uninstall-desktop run this):
#   desktop-integration.sh install ICONS   the launcher entry, the icons (ICONS: the folder
#                                          packaging/make_icons.py wrote), the AppStream metadata
#                                          and the MIME type of the app's exchange files
#   desktop-integration.sh uninstall       removes every file `install` wrote
# The files go under ${XDG_DATA_HOME:-~/.local/share}: applications/, icons/hicolor/*/apps/,
# metainfo/ and mime/packages/; update-desktop-database and update-mime-database run when they
# are installed. When BUNDLE names a built bundle (make package: dist/seminar-archive), it is
# copied to ~/.local/lib/seminar-archive and linked as ${XDG_BIN_HOME:-~/.local/bin}/seminar-archive;
# without one, the launcher starts this checkout's .venv/bin/seminar-archive.
# The app is listed for text/calendar and its own exchange files, never made the default handler
# of any type: no mimeapps.list is written.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=seminar-archive
COMPONENT=io.github.seminar_archive
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN_DIR=${XDG_BIN_HOME:-$HOME/.local/bin}
APP_DIR=$HOME/.local/lib/$NAME
DESKTOP=$DATA/applications/$NAME.desktop
METAINFO=$DATA/metainfo/$COMPONENT.metainfo.xml
MIME_PACKAGE=$DATA/mime/packages/$NAME.xml
# The folders `install` made (uninstall removes those, when empty, and no other).
MADE_FOLDERS=$DATA/applications/.$NAME-made-folders
# What update-mime-database writes beside packages/ (and one folder per media type).
MIME_DATABASE=(aliases generic-icons globs globs2 icons magic mime.cache subclasses treemagic
  types version XMLnamespaces)

die() { echo "desktop-integration: $*" >&2; exit 2; }

# An absolute path as one argument of a desktop entry's Exec key (quoted, % doubled).
exec_argument() {
  case $1 in
    *[\"\`\$\\]*) die "cannot write a launcher for a path with \", \`, \$ or \\: $1" ;;
  esac
  local path=${1//%/%%}
  printf '"%s"' "$path"
}

# Our previous bundle install (the only folder `install` replaces and `uninstall` removes).
is_our_bundle() { [ -x "$1/$NAME" ] && [ -d "$1/_internal" ]; }

install_bundle() {
  if [ -e "$APP_DIR" ] && ! is_our_bundle "$APP_DIR"; then
    die "$APP_DIR exists and is not a Seminar Archive bundle; move it away first"
  fi
  rm -rf "$APP_DIR"
  mkdir -p "$(dirname "$APP_DIR")"
  cp -a "$BUNDLE" "$APP_DIR"
  echo "bundle: $APP_DIR"
  mkdir -p "$BIN_DIR"
  if [ ! -e "$BIN_DIR/$NAME" ] || [ "$(readlink "$BIN_DIR/$NAME")" = "$APP_DIR/$NAME" ]; then
    ln -sfn "$APP_DIR/$NAME" "$BIN_DIR/$NAME"
    echo "command: $BIN_DIR/$NAME"
  else
    echo "left alone: $BIN_DIR/$NAME (not ours); the launcher starts $APP_DIR/$NAME" >&2
  fi
}

# Every folder the install may make, parents before children.
install_folders() {
  local size
  printf '%s\n' "$HOME/.local" "$(dirname "$APP_DIR")" "$BIN_DIR" "$DATA" "$DATA/applications" \
    "$DATA/metainfo" "$DATA/mime" "$DATA/mime/packages" "$DATA/icons" "$DATA/icons/hicolor"
  for size in "$1"/hicolor/*/; do
    size=$(basename "$size")
    printf '%s\n' "$DATA/icons/hicolor/$size" "$DATA/icons/hicolor/$size/apps"
  done
}

# Add the folders not there yet to MADE_FOLDERS (once the install has made them).
remember_new_folders() {
  local folder made=()
  while IFS= read -r folder; do
    [ -d "$folder" ] || made+=("$folder")
  done < <(install_folders "$1")
  mkdir -p "$DATA/applications"
  [ ${#made[@]} -eq 0 ] || printf '%s\n' "${made[@]}" >>"$MADE_FOLDERS"
}

install_all() {
  local icons=${1:?usage: $0 install ICONS}
  [ -f "$icons/hicolor/scalable/apps/$NAME.svg" ] || die "no icons in $icons (make icons)"
  remember_new_folders "$icons"
  local program
  if [ -n "${BUNDLE:-}" ] && [ -x "$BUNDLE/$NAME" ]; then
    install_bundle
    program=$APP_DIR/$NAME
  elif [ -x ".venv/bin/$NAME" ]; then
    program=$PWD/.venv/bin/$NAME
    echo "no bundle (make package builds one): the launcher starts $program"
  else
    die "nothing to launch: build the bundle (make package) or the virtualenv (make run) first"
  fi

  mkdir -p "$(dirname "$DESKTOP")"
  local argument line
  argument=$(exec_argument "$program")
  while IFS= read -r line; do
    case $line in
      "Exec=$NAME "*) printf 'Exec=%s%s\n' "$argument" "${line#"Exec=$NAME"}" ;;
      "TryExec=$NAME") printf 'TryExec=%s\n' "$program" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"packaging/$NAME.desktop" >"$DESKTOP"
  chmod 644 "$DESKTOP"
  install -D -m 644 "packaging/$COMPONENT.metainfo.xml" "$METAINFO"
  install -D -m 644 "packaging/$NAME-mime.xml" "$MIME_PACKAGE"
  local icon size
  for icon in "$icons"/hicolor/*/apps/"$NAME".*; do
    size=$(basename "$(dirname "$(dirname "$icon")")")
    install -D -m 644 "$icon" "$DATA/icons/hicolor/$size/apps/$(basename "$icon")"
  done
  touch "$DATA/icons/hicolor"  # icon theme caches look at the folder's time
  printf '%s\n' "$DESKTOP" "$METAINFO" "$MIME_PACKAGE" "$DATA/icons/hicolor/*/apps/$NAME.{png,svg}"

  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$DATA/applications"
  else
    echo "update-desktop-database not found (desktop-file-utils): file managers may not" \
      "offer the app for .ics files until it runs" >&2
  fi
  if command -v update-mime-database >/dev/null; then
    update-mime-database "$DATA/mime" >/dev/null
  else
    echo "update-mime-database not found (shared-mime-info): the exchange files' type is" \
      "unknown until it runs" >&2
  fi
}

# A folder's files, none of them generated caches: whether any is left.
has_files() { compgen -G "$1" >/dev/null; }

uninstall_all() {
  rm -f "$DESKTOP" "$METAINFO" "$MIME_PACKAGE"
  rm -f "$DATA"/icons/hicolor/*/apps/"$NAME".png "$DATA"/icons/hicolor/*/apps/"$NAME".svg
  if [ -L "$BIN_DIR/$NAME" ] && [ "$(readlink "$BIN_DIR/$NAME")" = "$APP_DIR/$NAME" ]; then
    rm -f "$BIN_DIR/$NAME"
  fi
  if is_our_bundle "$APP_DIR"; then
    rm -rf "$APP_DIR"
  fi

  # The caches: rebuilt without the app, or removed with the last entry they described.
  if [ -d "$DATA/applications" ]; then
    if has_files "$DATA/applications/*.desktop" || has_files "$DATA/applications/*/*.desktop"; then
      if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$DATA/applications"
      fi
    else
      rm -f "$DATA/applications/mimeinfo.cache"
    fi
  fi
  if [ -d "$DATA/mime" ]; then
    if has_files "$DATA/mime/packages/*.xml"; then
      if command -v update-mime-database >/dev/null; then
        update-mime-database "$DATA/mime" >/dev/null
      fi
    else
      local entry folder
      for entry in "${MIME_DATABASE[@]}"; do rm -f "$DATA/mime/$entry"; done
      for folder in "$DATA"/mime/*/; do
        [ "$(basename "$folder")" = packages ] && continue
        rm -f "$folder"*.xml
        rmdir "$folder" 2>/dev/null || true
      done
    fi
  fi

  # The folders the install made, when nothing else is in them (children first).
  if [ -f "$MADE_FOLDERS" ]; then
    local made folder
    made=$(sort -ru "$MADE_FOLDERS")
    rm -f "$MADE_FOLDERS"
    while IFS= read -r folder; do
      [ -n "$folder" ] && [ -d "$folder" ] && rmdir "$folder" 2>/dev/null || true
    done <<<"$made"
  fi
  echo "removed Seminar Archive's launcher, icons, metadata and MIME type from $DATA"
}

case "${1:-}" in
  install) install_all "${2:-}" ;;
  uninstall) uninstall_all ;;
  *) echo "usage: $0 install ICONS | uninstall" >&2; exit 2 ;;
esac
