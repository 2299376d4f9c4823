# Top-level entry points (wrapping CMake): `make run` and `make test` are the two README commands.
BUILD_DIR ?= build
TEST_DIR ?= build-test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SPEC ?= examples/h100-1024-rail.yaml
OUT ?= out

.PHONY: all deps build run test test-sanitize bench clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DAIFABRIC_TESTS=OFF >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target aifabric aifabric_python

# The main job on the bundled example: plan it and write the report files.
run: build
	@./$(BUILD_DIR)/aifabric run $(SPEC) -o $(OUT)

# The whole test suite (ASan/UBSan), through CTest: line tables only (-g1: stack traces keep their lines, the build
# is faster); CMakeLists.txt optimises the simulation libraries (-O1) in this build.
test: deps
	@cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DAIFABRIC_SANITIZE=ON -DAIFABRIC_BENCH=OFF >/dev/null
	@cmake --build $(TEST_DIR) -j$(JOBS)
	@cd $(TEST_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j$(JOBS) -LE long

bench: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DAIFABRIC_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target aifabric_bench aifabric_collective_bench aifabric_event_queue_bench aifabric_packet_bench aifabric_sweep_bench aifabric
	@./$(BUILD_DIR)/bench/aifabric_bench
	@./$(BUILD_DIR)/bench/aifabric_collective_bench
	@./$(BUILD_DIR)/bench/aifabric_event_queue_bench
	@./$(BUILD_DIR)/bench/aifabric_packet_bench
	@./$(BUILD_DIR)/bench/aifabric_sweep_bench

clean:
	rm -rf $(BUILD_DIR) $(TEST_DIR) build-fuzz $(OUT)

# libFuzzer targets for every input parser (clang; see docs/FUZZING.md): each runs FUZZ_SECONDS, one after another.
FUZZ_SECONDS ?= 600
.PHONY: fuzz fuzz-short
fuzz: deps
	@bash fuzz/run.sh $(FUZZ_SECONDS)

# The short bounded pass for CI: 20 s per target.
fuzz-short: deps
	@bash fuzz/run.sh 20
