#!/usr/bin/env bash
# Installs what the tests need outside Python: Xvfb and the XCB libraries Qt's xcb plugin loads
# (for the end-to-end test in a real X11 window). Runs apt-get when root on Debian/Ubuntu;
# otherwise says what to install.
set -euo pipefail
packages=(xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0
  libxcb-randr0 libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these system packages (as root): apt-get install ${missing[*]}" >&2
  exit 1
fi
