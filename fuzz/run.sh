#!/usr/bin/env bash
# Builds the libFuzzer targets (if needed), seeds their corpora from the project's own files and runs each
# target for SECONDS, one after another. Exits non-zero if any target found a crash, leak, hang or OOM.
#   usage: fuzz/run.sh SECONDS [TARGET...]      targets: cluster_spec catalog proposal job_spec flow_file chakra simai sweep_grid (default: all)
#   env:   FUZZ_BUILD_DIR (default build-fuzz), FUZZ_JOBS (build parallelism, default 2)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

all_targets=(cluster_spec catalog proposal job_spec flow_file chakra simai sweep_grid)
if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  echo "usage: fuzz/run.sh SECONDS [TARGET...]   (targets: ${all_targets[*]})" >&2
  exit 2
fi
seconds="$1"
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (targets: ${all_targets[*]})" >&2; exit 2; }
done

build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${FUZZ_JOBS:-2}"

# Build (configure every time: cheap, and it picks up new targets; the shipped catalog is re-embedded when a
# catalog/*.yaml changed).
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S fuzz -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
else
  cmake -S fuzz -B "$build" >/dev/null || exit 2
fi
gen="$build/generated/builtin_catalog.cpp"
if [ -f "$gen" ] && [ -n "$(find catalog -name '*.yaml' -newer "$gen")" ]; then rm -f "$gen"; fi
cmake --build "$build" -j"$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null || {
  echo "fuzz: build failed; run: cmake --build $build -j$jobs" >&2
  exit 2
}

# Seeds: the examples and bad inputs of each kind go to the matching target (copied into the corpus,
# which libFuzzer then grows; existing corpus files are kept between runs).
seed() {  # seed TARGET FILE...
  local dir="$build/corpus/$1" f
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] && cp -f "$f" "$dir/seed-$(echo "$f" | tr '/' '-')"
  done
}
shopt -s nullglob
spec_seeds=() job_seeds=() proposal_seeds=() sweep_seeds=() catalog_seeds=(catalog/*.yaml tests/bad-inputs/*.yaml.txt)
for f in examples/*.yaml tests/bad-inputs/*.yaml; do
  case "$(basename "$f")" in
    job-*.yaml|*.job.yaml|fuzz-job_spec-*.yaml) job_seeds+=("$f") ;;
    sweep-*.yaml) sweep_seeds+=("$f") ;;
    *proposal*.yaml) proposal_seeds+=("$f") ;;
    fuzz-catalog-*.yaml) catalog_seeds+=("$f") ;;
    *) spec_seeds+=("$f") ;;
  esac
done
seed cluster_spec "${spec_seeds[@]}"
seed job_spec "${job_seeds[@]}"
seed proposal "${proposal_seeds[@]}"
seed catalog "${catalog_seeds[@]}"
seed sweep_grid "${sweep_seeds[@]}"
# Flow files: the bad ones of the test corpus and a well-formed one.
mkdir -p "$build/corpus/flow_file"
printf 'src,dst,bytes,start_ns\n0,1,4096,0\n5,7,1048576,1000\n# comment\n1023,0,1,0\n' > "$build/corpus/flow_file/seed-good.csv"
seed flow_file tests/bad-inputs/*.csv
# Chakra traces: ASTRA-sim's microbenchmarks (the PyTorch trace is too large a seed).
seed chakra tests/data/chakra/astra-sim-microbenchmarks/*/4npus_1MB/*.0.et
seed simai tests/data/simai/*.txt

status=0
summary=()
for t in "${targets[@]}"; do
  crashes="$build/crashes/$t"
  log="$build/logs/$t.log"
  mkdir -p "$crashes" "$build/logs"
  before=$(find "$crashes" -type f | wc -l)
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  echo "fuzz: $t for ${seconds}s (log: ${log#$root/})" >&2
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
    "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "${dict[@]}" "$build/corpus/$t" >"$log" 2>&1
  rc=$?
  after=$(find "$crashes" -type f | wc -l)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  new=$((after - before))
  if [ $rc -ne 0 ] || [ $new -gt 0 ]; then
    status=1
    what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*|terminate called .*' "$log" | head -1)
    artifact=$(grep -o "Test unit written to .*" "$log" | tail -1 | sed 's/Test unit written to //')
    result="CRASH (exit $rc): ${what:-see log}; input: ${artifact:-$crashes}"
  else
    result="no crash"
  fi
  summary+=("$(printf '%-13s %6ss %12s execs  %s' "$t" "$seconds" "${execs:-?}" "$result")")
done

echo "fuzz: results"
printf '  %s\n' "${summary[@]}"
[ $status -eq 0 ] || echo "fuzz: reproduce with: $build/fuzz_<target> <input>; minimise with -minimize_crash=1 -runs=10000" >&2
exit $status
