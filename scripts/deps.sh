#!/bin/sh
# Install the Debian packages natter needs for a purpose: build, check,
# bench.
# As root, missing packages are installed with apt-get; otherwise the exact
# command is printed and the script fails, so nothing is silently skipped.
set -eu

build="gcc make pkg-config libc6-dev libevent-dev libbsd-dev libncurses-dev
	libssl-dev libcrypt-dev libsqlite3-dev libutf8proc-dev gettext
	libhiredis-dev"
check="$build libcmocka-dev python3 python3-pytest mandoc tmux ii sic
	ngircd procps clang libclang-rt-14-dev valgrind openssl locales
	redis-server"

bench="$build ngircd inspircd procps redis-server"

case "${1:-build}" in
build)	want=$build ;;
check)	want=$check ;;
bench)	want=$bench ;;
*)	echo "usage: deps.sh build|check|bench" >&2; exit 64 ;;
esac

# The Korean tests need the ko_KR.UTF-8 locale, which a clean Debian
# has listed in /etc/locale.gen but not built. As root, build it once
# (after the packages, since locales brings locale-gen); else say how.
korean_locale() {
	locale -a 2>/dev/null | grep -qix 'ko_KR\.utf-\?8' && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "natter: the ko_KR.UTF-8 locale is missing" >&2
		echo "natter: run: sudo sh scripts/deps.sh check" >&2
		return 1
	fi
	echo "natter: generating the ko_KR.UTF-8 locale" >&2
	if grep -q '^# *ko_KR.UTF-8 UTF-8' /etc/locale.gen; then
		sed -i 's/^# *\(ko_KR.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	elif ! grep -q '^ko_KR.UTF-8 UTF-8' /etc/locale.gen; then
		echo 'ko_KR.UTF-8 UTF-8' >>/etc/locale.gen
	fi
	locale-gen
}

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	if [ "$want" = "$check" ]; then korean_locale; fi
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "natter: missing packages:$missing" >&2
	echo "natter: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "natter: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; update only if needed.
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
if [ "$want" = "$check" ]; then korean_locale; fi
