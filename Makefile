# routemark — plain make build. `make` builds build/routemark; `make test` runs the unit and
# data tests, then the same tests under ASan+UBSan; `make bench`, `make fuzz`, `make format`.
#
# Layout: every src/<module>/*.c goes into build/librm.a except src/cli (the program);
# every tests/test_*.c is one cmocka binary; every fuzz/fuzz_*.c one libFuzzer target.

CC      ?= cc
BUILD   ?= build
PKGS     = zlib liblzma libzstd rtrlib json-c sqlite3 libcurl libcrypto libmicrohttpd
OPT     ?= -O2 -g
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           $(OPT) -Isrc $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lbz2 -lpthread -lm
TEST_LDLIBS = $(shell pkg-config --libs cmocka libmicrohttpd yaml-0.1)

MODULES  = core mrt rpki irr topo registry store observe engine report conform serve fetch
LIB_SRC  = $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  = $(wildcard src/cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
BENCH_SRC = $(wildcard bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test check unit asan bench fuzz fuzz-build format format-check clean deps
all: $(BUILD)/routemark

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/librm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/routemark: $(CLI_OBJ) $(BUILD)/librm.a
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/librm.a $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/librm.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/librm.a $(LDLIBS) $(TEST_LDLIBS)

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
	$(MAKE) unit BUILD=build-asan CC=clang \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

fuzz-build:
	@mkdir -p build-fuzz
	$(MAKE) build-fuzz/librm.a BUILD=build-fuzz CC=clang \
	  OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined"
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "CC $$n"; \
	  clang $(CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f \
	    build-fuzz/librm.a $(LDLIBS) || exit 1; done

# Short fuzz run of every target (FUZZ_SECONDS each), seeded from fuzz/corpus and shared data.
fuzz: fuzz-build
	@sh fuzz/run.sh $${FUZZ_SECONDS:-30}

$(BUILD)/bench/%: bench/%.c $(BUILD)/librm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/librm.a $(LDLIBS)

bench: deps $(BUILD)/routemark $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

format:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(find src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
