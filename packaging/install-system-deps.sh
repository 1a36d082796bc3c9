#!/usr/bin/env bash
# Installs what Seminar Archive needs outside Python on Debian/Ubuntu, when run as root;
# as another user, prints the apt-get line to run and exits 1.
#   install-system-deps.sh            everything the tests need: the runtime set, Xvfb, xauth and
#                                     the PostgreSQL server (the shared-archive tests start their own)
#   install-system-deps.sh --runtime  the libraries Qt's xcb plugin loads (make run), and a font
#   install-system-deps.sh --desktop  the desktop-entry, AppStream and MIME tools (make check-desktop)
set -euo pipefail
runtime=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libegl1 libgl1
  libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
case "${1:-}" in
  --runtime) packages=("${runtime[@]}") ;;
  --desktop) packages=(desktop-file-utils appstream shared-mime-info) ;;
  "") packages=("${runtime[@]}" xvfb xauth postgresql) ;;
  *) echo "usage: $0 [--runtime | --desktop]" >&2; exit 2 ;;
esac
if ! command -v dpkg-query >/dev/null; then
  # Not Debian/Ubuntu: the app itself names the libraries Qt cannot load.
  [ "${1:-}" = --runtime ] && exit 0
  if [ "${1:-}" = --desktop ] && command -v desktop-file-validate >/dev/null \
    && command -v appstreamcli >/dev/null; then
    exit 0
  fi
  echo "Not a Debian/Ubuntu system: install the equivalents of ${packages[*]}" >&2
  exit 1
fi
missing=()
for package in "${packages[@]}"; do
  # Newer releases renamed some libraries (libglib2.0-0t64); either name will do.
  status=$(dpkg-query -W -f='${Status}\n' "$package" "${package}t64" 2>/dev/null || true)
  [[ $status == *"install ok installed"* ]] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Seminar Archive needs these system packages; install them as root, then run this again:" >&2
  echo "sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
