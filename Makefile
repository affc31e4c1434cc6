# routemark — plain make build. `make` builds build/routemark; `make test` runs the unit and
# data tests, then the same tests under ASan+UBSan; `make bench`, `make fuzz`, `make format`.
#
# Layout: every src/<module>/*.c goes into build/librm.a except src/cli (the program);
# every tests/test_*.c is one cmocka binary; every fuzz/fuzz_*.c one libFuzzer target.
# `make install` (PREFIX, DESTDIR) / `make uninstall`; `make tsan` the threaded paths under
# ThreadSanitizer; `make fuzz-cov` the line coverage the fuzz corpora reach.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/routemark
PKGS     = zlib libisal liblzma libzstd rtrlib json-c sqlite3 libpq libcurl libcrypto libmicrohttpd yaml-0.1 libnats rdkafka
OPT     ?= -O2 -g
# Hardening of the normal build (the sanitizer and fuzz builds set HARDEN= and HARDEN_LD=):
# _FORTIFY_SOURCE=3 where the compiler and libc support it (2 otherwise; see
# scripts/fortify-level.sh), stack protector, PIE, full RELRO. scripts/check-hardening.sh checks
# the binary.
FORTIFY_LEVEL := $(shell sh scripts/fortify-level.sh $(CC))
HARDEN  ?= -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(FORTIFY_LEVEL) -fstack-protector-strong -fPIE
HARDEN_LD ?= -pie -Wl,-z,relro,-z,now
BASE_CFLAGS = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -Isrc $(shell pkg-config --cflags $(PKGS))
# CPPFLAGS, CFLAGS and LDFLAGS from the command line or environment (dpkg-buildflags) come last.
RM_CFLAGS = $(BASE_CFLAGS) $(OPT) $(HARDEN) $(CFLAGS)
RM_LDFLAGS = $(HARDEN_LD) $(LDFLAGS)
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lbz2 -lpthread -lm
TEST_LDLIBS = $(shell pkg-config --libs cmocka)

MODULES  = core sign mrt bmp origins rpki irr topo registry store observe alert engine report conform serve fetch sink bus
LIB_SRC  = $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  = $(wildcard src/cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
BENCH_SRC = $(wildcard bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test check unit asan tsan bench fuzz fuzz-build fuzz-cov format format-check \
        clean deps install uninstall hardening-check
all: $(BUILD)/routemark

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(RM_CFLAGS) $(RM_DEFS) -MMD -MP -c $< -o $@

# Where the program looks for the installed profiles (src/conform/profile.c); the stamp makes
# profile.o follow a change of PREFIX or DATADIR.
$(BUILD)/src/conform/profile.o: RM_DEFS = -DRM_DATADIR='"$(DATADIR)"'
$(BUILD)/src/conform/profile.o: $(BUILD)/datadir.stamp
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
FORCE:

$(BUILD)/librm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/routemark: $(CLI_OBJ) $(BUILD)/librm.a
	$(CC) $(RM_CFLAGS) $(RM_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/librm.a $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/librm.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(RM_CFLAGS) $(RM_LDFLAGS) -Itests -o $@ $< $(BUILD)/librm.a $(LDLIBS) $(TEST_LDLIBS)

# The test command of the README: install dependencies, then unit + data tests, plain and
# under sanitizers.
test check: deps
	$(MAKE) unit
	$(MAKE) asan

# The main job of the README.
run: deps
	$(MAKE) $(BUILD)/routemark
	@sh scripts/main-job.sh

deps:
	@sh scripts/deps.sh

unit: $(BUILD)/routemark $(TEST_BIN)
	@sh tests/run.sh $(BUILD)

asan:
	$(MAKE) unit BUILD=build-asan CC=clang HARDEN= HARDEN_LD= \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

# The threaded paths (analyze's reference loaders and route job, stat's and dump's decompression
# and bzip2 threads, the store's block builder, serve's HTTP thread, RTR, the alert sinks'
# delivery threads) under ThreadSanitizer: any report in any process (test binaries and the
# routemark they run) fails the target.
TSAN_TESTS = test_analyze_real test_mrt_bz2 test_mrt_files test_observe test_store test_sink \
             test_serve test_serve_events test_rtr test_rov_rtrlib test_revalidate_rtr test_batch \
             test_origins test_engine
tsan:
	$(MAKE) build-tsan/routemark $(TSAN_TESTS:%=build-tsan/tests/%) BUILD=build-tsan CC=clang \
	  HARDEN= HARDEN_LD= OPT="-O1 -g -fsanitize=thread -fno-omit-frame-pointer"
	@sh scripts/tsan-run.sh build-tsan $(TSAN_TESTS)

# The fuzz targets, built with the flags in FUZZ_OPT into FUZZ_BUILD.
FUZZ_BUILD ?= build-fuzz
FUZZ_OPT ?= -O1 -g -fsanitize=address,undefined
fuzz-build:
	@mkdir -p $(FUZZ_BUILD)
	$(MAKE) $(FUZZ_BUILD)/librm.a BUILD=$(FUZZ_BUILD) CC=clang HARDEN= HARDEN_LD= \
	  OPT="$(FUZZ_OPT) -fsanitize=fuzzer-no-link"
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "CC $$n"; \
	  clang $(BASE_CFLAGS) $(FUZZ_OPT) -fsanitize=fuzzer -o $(FUZZ_BUILD)/$$n $$f \
	    $(FUZZ_BUILD)/librm.a $(LDLIBS) || exit 1; done

# Fuzz run of every target (FUZZ_SECONDS each), seeded from fuzz/corpus and shared data.
fuzz: fuzz-build
	@sh fuzz/run.sh $${FUZZ_SECONDS:-30}

# Line coverage of each parser reached by the corpus `make fuzz` left in build-fuzz/corpus:
# the targets rebuilt with clang's source-based coverage, run once over their corpus.
fuzz-cov:
	$(MAKE) fuzz-build FUZZ_BUILD=build-fuzzcov \
	  FUZZ_OPT="-O1 -g -fprofile-instr-generate -fcoverage-mapping"
	@sh fuzz/coverage.sh build-fuzzcov

install: $(BUILD)/routemark
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/profiles
	install -m 755 $(BUILD)/routemark $(DESTDIR)$(BINDIR)/routemark
	install -m 644 docs/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 profiles/*.json $(DESTDIR)$(DATADIR)/profiles/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/routemark
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard docs/*.1)))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/profiles/,$(notdir $(wildcard profiles/*.json)))
	-rmdir $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR) 2>/dev/null

hardening-check: $(BUILD)/routemark
	@sh scripts/check-hardening.sh $(BUILD)/routemark

$(BUILD)/bench/%: bench/%.c $(BUILD)/librm.a
	@mkdir -p $(dir $@)
	$(CC) $(RM_CFLAGS) $(RM_LDFLAGS) -o $@ $< $(BUILD)/librm.a $(LDLIBS)

bench: deps $(BUILD)/routemark $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

format:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(find src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf build build-asan build-fuzz build-tsan build-fuzzcov build-clang

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
