# natter: a terminal chat system speaking IRC. One Makefile builds it all.
#
#   make            build natterd and natter into $(B)/ (default build/)
#   make run        install missing packages, build, start natterd, open natter
#   make check      install what the tests need, build with -Werror, run
#                   every test
#   make sanitize   build with ASan+UBSan into build-san/ and run the tests
#   make lint       mandoc -Tlint on the man pages, scripts/check-man.sh
#                   (the pages and contrib/natterd.conf against natterd)
#   make fuzz       run each fuzzer for FUZZ_SECONDS
#   make bench      compare natterd, history on and off, with ngIRCd and
#                   InspIRCd, then time its history (BENCH_ARGS)
#   make install    PREFIX, DESTDIR, BINDIR, SBINDIR, MANDIR, DATADIR,
#                   LOCALEDIR as usual; the samples natterd.conf and
#                   natter.conf go to $(DATADIR)/natter
#   make pot        po/natter.pot again from the client's sources (then
#                   msgmerge each po/*.po and translate what is new)
#
# Put local overrides (CC, CFLAGS, PREFIX, ...) in config.mk.

-include config.mk

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
# natter's message catalogues; NATTER_LOCALEDIR overrides it at run time.
LOCALEDIR ?= $(DATADIR)/locale
# systemd reads units from /usr/local/lib/systemd/system too.
UNITDIR ?= $(PREFIX)/lib/systemd/system
PKG_CONFIG ?= pkg-config
PYTHON ?= /usr/bin/python3

# Build directory: build/ normally, build-san/ for the sanitizer build.
B ?= build

# -Werror is for `make check` and CI, not for a user's build: a newer
# compiler with new warnings must not break it.
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra $(WERROR) -Wmissing-prototypes \
	  -Wstrict-prototypes -Wmissing-declarations -Wshadow -Wpointer-arith \
	  -Wwrite-strings -Wformat=2
CPPFLAGS += -D_GNU_SOURCE -D_XOPEN_SOURCE=700 -Icommon

ifeq ($(SAN),1)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# $(call pkg,--cflags,PACKAGE...): pkg-config's answer, evaluated once,
# where it is used; a package pkg-config cannot find stops the build
# with pkg-config's own message and what to do about it.
pkg = $(if $(shell $(PKG_CONFIG) --exists $(2) && echo y),\
	$(shell $(PKG_CONFIG) $(1) $(2)),\
	$(shell $(PKG_CONFIG) --print-errors --exists $(2))\
	$(error $(PKG_CONFIG) cannot find $(2): 'sh scripts/deps.sh check' \
	installs what is missing as root, or says what to install))
once = $(if $(filter undefined,$(origin pkg_$(1))),\
	$(eval pkg_$(1) := $$(call pkg,$(2),$(3))))$(pkg_$(1))

EVENT_CFLAGS = $(call once,EVENT_CFLAGS,--cflags,libevent_core)
EVENT_LIBS = $(call once,EVENT_LIBS,--libs,libevent_core)
TLS_CFLAGS = $(call once,TLS_CFLAGS,--cflags,libevent_openssl openssl)
TLS_LIBS = $(call once,TLS_LIBS,--libs,libevent_openssl openssl)
CRYPT_LIBS = $(call once,CRYPT_LIBS,--libs,libcrypt)
# natter resolves host names with evdns, so the UI never waits on DNS.
EVENT_EXTRA_LIBS = $(call once,EVENT_EXTRA_LIBS,--libs,libevent_extra)
# ncursesw's pkg-config adds its own _XOPEN_SOURCE; ours (700) stays.
CURSES_CFLAGS = $(filter-out -D_DEFAULT_SOURCE -D_XOPEN_SOURCE%, \
	$(call once,CURSES_CFLAGS,--cflags,ncursesw))
CURSES_LIBS = $(call once,CURSES_LIBS,--libs,ncursesw)
SQLITE_CFLAGS = $(call once,SQLITE_CFLAGS,--cflags,sqlite3)
SQLITE_LIBS = $(call once,SQLITE_LIBS,--libs,sqlite3)
# natterd's cluster talks to Redis: hiredis parses and formats, no more.
HIREDIS_CFLAGS = $(call once,HIREDIS_CFLAGS,--cflags,hiredis)
HIREDIS_LIBS = $(call once,HIREDIS_LIBS,--libs,hiredis)
CMOCKA_LIBS = $(call once,CMOCKA_LIBS,--libs,cmocka)
# The client's one table of widths (client/text.c).
UTF8PROC_CFLAGS = $(call once,UTF8PROC_CFLAGS,--cflags,libutf8proc)
UTF8PROC_LIBS = $(call once,UTF8PROC_LIBS,--libs,libutf8proc)

COMMON_OBJS = \
	$(B)/common/cap.o \
	$(B)/common/log.o \
	$(B)/common/msg.o \
	$(B)/common/name.o \
	$(B)/common/utf8.o \
	$(B)/common/xmalloc.o

SERVER_OBJS = \
	$(B)/server/bus.o \
	$(B)/server/channel.o \
	$(B)/server/cluster.o \
	$(B)/server/cluster-lua.o \
	$(B)/server/cluster-ops.o \
	$(B)/server/cluster-state.o \
	$(B)/server/cmd.o \
	$(B)/server/config.o \
	$(B)/server/conn.o \
	$(B)/server/help.o \
	$(B)/server/history.o \
	$(B)/server/history-read.o \
	$(B)/server/irc-batch.o \
	$(B)/server/irc-channel.o \
	$(B)/server/irc-history.o \
	$(B)/server/irc-info.o \
	$(B)/server/irc-login.o \
	$(B)/server/irc-message.o \
	$(B)/server/irc-mode.o \
	$(B)/server/irc-oper.o \
	$(B)/server/label.o \
	$(B)/server/listen.o \
	$(B)/server/monitor.o \
	$(B)/server/motd.o \
	$(B)/server/natterd.o \
	$(B)/server/redis.o \
	$(B)/server/reply.o \
	$(B)/server/tls.o \
	$(B)/server/user.o \
	$(B)/server/whowas.o

CLIENT_OBJS = \
	$(B)/client/backlog.o \
	$(B)/client/chatlog.o \
	$(B)/client/command.o \
	$(B)/client/complete.o \
	$(B)/client/config.o \
	$(B)/client/draw.o \
	$(B)/client/edit.o \
	$(B)/client/handle.o \
	$(B)/client/ignore.o \
	$(B)/client/input.o \
	$(B)/client/inputrows.o \
	$(B)/client/login.o \
	$(B)/client/multiline.o \
	$(B)/client/natter.o \
	$(B)/client/net.o \
	$(B)/client/pane.o \
	$(B)/client/presence.o \
	$(B)/client/reply.o \
	$(B)/client/scroll.o \
	$(B)/client/search.o \
	$(B)/client/seen.o \
	$(B)/client/sidebar.o \
	$(B)/client/state.o \
	$(B)/client/status.o \
	$(B)/client/text.o \
	$(B)/client/tls.o \
	$(B)/client/ui.o \
	$(B)/client/window.o

# Everything but main(), for the unit tests to link against.
CLIENT_LIB_OBJS = $(filter-out $(B)/client/natter.o,$(CLIENT_OBJS))

COMMON_HDRS = common/cap.h common/intl.h common/log.h common/msg.h \
	common/name.h common/utf8.h

# The translations: po/LANG.po, compiled to $(B)/locale for the tests
# (NATTER_LOCALEDIR) and installed under $(LOCALEDIR).
LINGUAS = $(patsubst po/%.po,%,$(wildcard po/*.po))
MOS = $(patsubst %,$(B)/locale/%/LC_MESSAGES/natter.mo,$(LINGUAS))
# Translations of natter(1): man/LANG/natter.1, installed in
# $(MANDIR)/LANG/man1.
MANLANGS = $(patsubst man/%/natter.1,%,$(wildcard man/*/natter.1))

UNIT_TESTS = $(patsubst tests/unit/%.c,$(B)/tests/unit/%, \
	$(wildcard tests/unit/test_*.c))

PROGS = $(B)/natterd $(B)/natter $(B)/natter-bench $(B)/null-relay

all: $(PROGS) $(UNIT_TESTS) $(MOS)

# The flags a build directory was made with: when they change (make, then
# make check with -Werror), everything in it is built again.
FLAGS = $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(LOCALEDIR)
$(B)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS)' | cmp -s - $@ || echo '$(FLAGS)' >$@

$(B)/common/%.o: common/%.c $(COMMON_HDRS) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libnatter.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $(COMMON_OBJS)

$(B)/server/%.o: server/%.c server/natterd.h server/messages.h \
    server/history.h server/cluster.h server/bus.h server/redis.h \
    $(COMMON_HDRS) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(EVENT_CFLAGS) $(TLS_CFLAGS) $(SQLITE_CFLAGS) \
	    $(HIREDIS_CFLAGS) $(CFLAGS) -pthread -c -o $@ $<

# The cluster's Lua script, kept readable in its own file, as a C string.
%/server/cluster-lua.c: server/cluster.lua
	@mkdir -p $(@D)
	{ echo '/* Made from server/cluster.lua by the Makefile. */'; \
	    echo 'extern const char cluster_lua[];'; \
	    echo 'const char cluster_lua[] ='; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' \
	    -e 's/$$/\\n"/' server/cluster.lua; echo ';'; } >$@

$(B)/server/cluster-lua.o: $(B)/server/cluster-lua.c $(B)/.flags
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $(B)/server/cluster-lua.c

$(B)/natterd: $(SERVER_OBJS) $(B)/libnatter.a
	$(CC) $(LDFLAGS) -pthread -o $@ $(SERVER_OBJS) $(B)/libnatter.a \
	    $(TLS_LIBS) $(EVENT_LIBS) $(CRYPT_LIBS) $(SQLITE_LIBS) \
	    $(HIREDIS_LIBS)

$(B)/natter-bench: bench/natter-bench.c $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(EVENT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
	    bench/natter-bench.c $(EVENT_LIBS)

$(B)/null-relay: bench/null-relay.c $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(EVENT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
	    bench/null-relay.c $(EVENT_LIBS)

$(B)/client/%.o: client/%.c client/natter.h $(COMMON_HDRS) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DLOCALEDIR='"$(LOCALEDIR)"' $(EVENT_CFLAGS) \
	    $(TLS_CFLAGS) $(CURSES_CFLAGS) $(UTF8PROC_CFLAGS) $(CFLAGS) \
	    -c -o $@ $<

$(B)/libnatter-client.a: $(CLIENT_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(CLIENT_LIB_OBJS)

$(B)/natter: $(B)/client/natter.o $(B)/libnatter-client.a $(B)/libnatter.a
	$(CC) $(LDFLAGS) -o $@ $(B)/client/natter.o $(B)/libnatter-client.a \
	    $(B)/libnatter.a $(CURSES_LIBS) $(UTF8PROC_LIBS) $(TLS_LIBS) \
	    $(EVENT_EXTRA_LIBS) $(EVENT_LIBS)

# --check: a translation must keep its format's conversions.
$(B)/locale/%/LC_MESSAGES/natter.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# Every message natter shows, for translators: _() and N_() in the
# client, and the common/ text it shows (name checks, --help words).
VERSION = $(shell sed -n 's/^\#define NATTER_VERSION[^"]*"\(.*\)"/\1/p' \
	client/natter.h)
POT_SRCS = $(sort $(wildcard client/*.c)) client/natter.h common/log.c \
	common/name.c

POT = po/natter.pot
pot:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	    --keyword=handle_event:4 --flag=handle_event:4:c-format \
	    --add-comments=TRANSLATORS: --package-name=natter \
	    --package-version=$(VERSION) --sort-by-file \
	    -o $(POT) $(POT_SRCS)

# Unit tests may use common/ and the client's modules (an archive: only
# what a test calls is linked in).
$(B)/tests/unit/%: tests/unit/%.c $(B)/libnatter.a $(B)/libnatter-client.a \
    client/natter.h $(COMMON_HDRS) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iclient $(EVENT_CFLAGS) $(CURSES_CFLAGS) \
	    $(UTF8PROC_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(B)/libnatter-client.a $(B)/libnatter.a $(CMOCKA_LIBS) $(CURSES_LIBS) $(UTF8PROC_LIBS) $(TLS_LIBS) \
	    $(EVENT_EXTRA_LIBS) $(EVENT_LIBS)

# The cluster bus codec is the server's, and stands alone.
$(B)/tests/unit/test_bus: tests/unit/test_bus.c $(B)/server/bus.o \
    $(B)/libnatter.a server/bus.h $(COMMON_HDRS) $(B)/.flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iserver $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(B)/server/bus.o $(B)/libnatter.a $(CMOCKA_LIBS)

# libFuzzer harnesses, built with clang into build-fuzz/. `make fuzz` runs
# each for FUZZ_SECONDS on a copy of its seed corpus in fuzz/corpus/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -D_GNU_SOURCE -D_XOPEN_SOURCE=700 -Icommon
FUZZERS = build-fuzz/bus-fuzzer build-fuzz/msg-fuzzer build-fuzz/name-fuzzer \
	build-fuzz/server-fuzzer
FUZZ_COMMON = common/msg.c common/name.c common/utf8.c
SERVER_SRCS = $(patsubst $(B)/%.o,%.c,$(filter-out \
	$(B)/server/cluster-lua.o,$(SERVER_OBJS))) build-fuzz/server/cluster-lua.c

build-fuzz/%: fuzz/%.c $(FUZZ_COMMON) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_COMMON)

build-fuzz/bus-fuzzer: fuzz/bus-fuzzer.c server/bus.c server/bus.h \
    $(FUZZ_COMMON) $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iserver -o $@ $< server/bus.c $(FUZZ_COMMON)

# The server fuzzer links natterd without its main(), in process.
build-fuzz/server-fuzzer: fuzz/server-fuzzer.c $(SERVER_SRCS) server/natterd.h \
    server/history.h common/*.c $(COMMON_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DNATTERD_NO_MAIN $(EVENT_CFLAGS) -Iserver \
	    -pthread -o $@ fuzz/server-fuzzer.c $(SERVER_SRCS) common/*.c \
	    $(TLS_LIBS) $(EVENT_LIBS) $(CRYPT_LIBS) $(SQLITE_LIBS) \
	    $(HIREDIS_LIBS)

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	@$(PYTHON) tests/run.py --fuzz-only --fuzz-seconds $(FUZZ_SECONDS)

# Packages first (as root they are installed, else the command is shown),
# then a fresh make so pkg-config sees what was just installed.
deps-build:
	@sh scripts/deps.sh build
deps-check:
	@sh scripts/deps.sh check
deps-bench:
	@sh scripts/deps.sh bench

run: deps-build
	@$(MAKE) --no-print-directory $(B)/natterd $(B)/natter
	@sh scripts/run.sh $(B)

# The builds two jobs at a time (CI has two cores), as the tests' lanes.
check: deps-check
	@$(MAKE) --no-print-directory -j2 WERROR=-Werror all
	@$(MAKE) --no-print-directory -j2 WERROR=-Werror B=build-san SAN=1 all
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@$(PYTHON) tests/run.py --build build --san-build build-san \
	    --fuzz-seconds 15

# Compare natterd, with history and without, with ngIRCd, InspIRCd and
# the null relay, then time natterd's history on a million messages
# (bench/run -h, bench/history -h). About 13 minutes, 5 with
# BENCH_ARGS=--quick.
bench: deps-bench
	@$(MAKE) --no-print-directory all
	@$(PYTHON) bench/run $(BENCH_ARGS)

# Run the tests without touching packages or the sanitizer build.
test: all
	@$(PYTHON) tests/run.py --build $(B)

sanitize:
	@$(MAKE) --no-print-directory B=build-san SAN=1 all
	@$(PYTHON) tests/run.py --build build-san --sanitized

# Every man page present (natterd.conf.5 among them), then every
# command-table row and natterd option (with its default) in its page,
# every configuration key in natterd.conf.5, and contrib/natterd.conf
# through `natterd -t -f contrib/natterd.conf`.
MANPAGES = $(wildcard man/*.[1-8] man/*/*.[1-8])

lint: $(B)/natterd
	mandoc -Tlint -W warning $(MANPAGES)
	NATTERD=$(B)/natterd sh scripts/check-man.sh
	sh scripts/check-po.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/natter \
	    $(DESTDIR)$(UNITDIR)
	install -m 755 $(B)/natterd $(DESTDIR)$(SBINDIR)/natterd
	install -m 755 $(B)/natter $(DESTDIR)$(BINDIR)/natter
	install -m 644 man/natterd.8 $(DESTDIR)$(MANDIR)/man8/natterd.8
	install -m 644 man/natterd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/natterd.conf.5
	install -m 644 man/natter.1 $(DESTDIR)$(MANDIR)/man1/natter.1
	for l in $(MANLANGS); do \
		install -d $(DESTDIR)$(MANDIR)/$$l/man1 && \
		install -m 644 man/$$l/natter.1 \
		    $(DESTDIR)$(MANDIR)/$$l/man1/natter.1 || exit 1; \
	done
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 $(B)/locale/$$l/LC_MESSAGES/natter.mo \
		    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/natter.mo || exit 1; \
	done
	install -m 644 contrib/natterd.conf \
	    $(DESTDIR)$(DATADIR)/natter/natterd.conf
	install -m 644 contrib/natter.conf \
	    $(DESTDIR)$(DATADIR)/natter/natter.conf
	sed -e 's|/usr/local/sbin/natterd|$(SBINDIR)/natterd|g' \
	    -e 's|/usr/local/share/natter|$(DATADIR)/natter|g' \
	    contrib/natterd.service > $(DESTDIR)$(UNITDIR)/natterd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/natterd.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/natterd $(DESTDIR)$(MANDIR)/man8/natterd.8
	rm -f $(DESTDIR)$(MANDIR)/man5/natterd.conf.5 \
	    $(DESTDIR)$(DATADIR)/natter/natterd.conf \
	    $(DESTDIR)$(DATADIR)/natter/natter.conf
	rm -f $(DESTDIR)$(BINDIR)/natter $(DESTDIR)$(MANDIR)/man1/natter.1
	for l in $(MANLANGS); do \
		rm -f $(DESTDIR)$(MANDIR)/$$l/man1/natter.1; \
	done
	for l in $(LINGUAS); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/natter.mo; \
	done
	rm -f $(DESTDIR)$(UNITDIR)/natterd.service

clean:
	rm -rf build build-san build-fuzz

FORCE:

.PHONY: all deps-build deps-check deps-bench run check test sanitize lint \
	bench install uninstall clean fuzz fuzz-build pot FORCE
