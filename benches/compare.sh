#!/usr/bin/env bash
# hoplint check vs. the real `nginx -t` on the same generated nginx.conf
# (20,000 upstreams + 20,000 servers, ~17 MB; see benches/gen_big.rs).
#
#   bash benches/compare.sh
#
# Environment: NGINX (default /usr/sbin/nginx), RUNS (default 3),
# NGINX_VERSION (default: the version `$NGINX -v` reports), CARGO_TARGET_DIR.
# Times with hyperfine when installed (apt-get install -y hyperfine), else with
# bash's clock, best of RUNS; peak RSS with GNU time (apt-get install -y time).
# Prints a markdown table on stdout; progress goes to stderr.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
nginx=${NGINX:-/usr/sbin/nginx}
runs=${RUNS:-3}

log() { printf '%s\n' "$*" >&2; }

[[ -x $nginx ]] || { log "error: $nginx not found (set NGINX=/path/to/nginx)"; exit 2; }
[[ -x /usr/bin/time ]] || { log "error: /usr/bin/time missing (apt-get install -y time)"; exit 2; }
nginx_version=${NGINX_VERSION:-$("$nginx" -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')}

log "== building hoplint (release)"
cargo build --release --quiet
hoplint=$target/release/hoplint

log "== writing the big config (cargo bench --bench gen_big)"
# Rewrites target/bench-big/nginx.conf only when its text changed.
cargo bench --quiet --bench gen_big >&2
conf=$target/bench-big/nginx.conf
prefix=$(dirname "$conf") # pid, error_log and access_log are relative to it
size=$(stat -c %s "$conf")
lines=$(wc -l <"$conf")

hoplint_cmd=("$hoplint" check --no-config --nginx-version "$nginx_version" --format json "$conf")
nginx_cmd=("$nginx" -t -q -p "$prefix/" -c "$conf")

# The first run of each checks the result and measures peak RSS (and brings
# the file into the page cache, so the timed runs need no warm-up).
# rss_of NAME → the "Maximum resident set size" (KiB) of that first run.
rss_of() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$prefix/time-$1.txt"; }

log "== first runs: nginx -t must accept the file, hoplint must run without errors"
/usr/bin/time -v -o "$prefix/time-nginx.txt" "${nginx_cmd[@]}" || {
	log "error: nginx -t rejected $conf"
	exit 1
}
set +e
/usr/bin/time -v -o "$prefix/time-hoplint.txt" "${hoplint_cmd[@]}" >"$prefix/hoplint.json"
hoplint_rc=$?
set -e
if ((hoplint_rc > 1)); then
	log "error: hoplint exited with $hoplint_rc"
	exit 1
fi
diagnostics=$(grep -c '"code":' "$prefix/hoplint.json" || true)
rss_hoplint=$(rss_of hoplint)
rss_nginx=$(rss_of nginx)

# best_of NAME CMD... → sets best_NAME and mean_NAME (seconds).
best_of() {
	local name=$1
	shift
	if command -v hyperfine >/dev/null; then
		local csv=$prefix/hyperfine-$name.csv
		hyperfine --style basic --shell=none --runs "$runs" --ignore-failure \
			--export-csv "$csv" -n "$name" -- "$(printf '%q ' "$@")" >&2
		# command,mean,stddev,median,user,system,min,max
		IFS=, read -r _ mean _ _ _ _ min _ < <(sed -n 2p "$csv")
		printf -v "best_$name" '%.3f' "$min"
		printf -v "mean_$name" '%.3f' "$mean"
	else
		local i start elapsed best='' sum=0
		for ((i = 0; i < runs; i++)); do
			start=$EPOCHREALTIME
			"$@" >/dev/null 2>&1 || true
			elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
			sum=$(awk -v s="$sum" -v e="$elapsed" 'BEGIN { print s + e }')
			if [[ -z $best ]] || awk -v e="$elapsed" -v b="$best" 'BEGIN { exit !(e < b) }'; then
				best=$elapsed
			fi
			log "  $name run $((i + 1)): ${elapsed}s"
		done
		printf -v "best_$name" '%.3f' "$best"
		printf -v "mean_$name" '%.3f' "$(awk -v s="$sum" -v n="$runs" 'BEGIN { print s / n }')"
	fi
}

log "== timing hoplint check ($runs runs)"
best_of hoplint "${hoplint_cmd[@]}"
log "== timing nginx -t ($runs runs; nginx -t is slow on 20,000 upstreams)"
best_of nginx "${nginx_cmd[@]}"

# shellcheck disable=SC2154 # best_* and mean_* are set by best_of via printf -v
{
	mb=$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1e6 }')
	timer=$(command -v hyperfine >/dev/null && hyperfine --version || echo "bash EPOCHREALTIME")
	echo "Input: \`$conf\` — $mb MB, $lines lines (nginx -t: ok; hoplint: exit $hoplint_rc, $diagnostics diagnostics)."
	echo "Timer: $timer, $runs runs (after one untimed run); RSS: GNU time -v on that untimed run."
	echo
	echo "| | command | best of $runs | mean | throughput | peak RSS | RSS / input |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	for who in hoplint nginx; do
		best_var=best_$who mean_var=mean_$who rss_var=rss_$who
		best=${!best_var} mean=${!mean_var} rss=${!rss_var}
		if [[ $who == hoplint ]]; then
			label="hoplint check"
			cmd="hoplint check --no-config --nginx-version $nginx_version --format json nginx.conf"
		else
			label="nginx -t ($nginx_version)"
			cmd="nginx -t -q -p DIR/ -c DIR/nginx.conf"
		fi
		awk -v l="$label" -v c="$cmd" -v b="$best" -v m="$mean" -v s="$size" -v r="$rss" 'BEGIN {
			printf "| %s | `%s` | %.3f s | %.3f s | %.1f MB/s | %.1f MB | %.1f× |\n",
				l, c, b, m, s / 1e6 / b, r * 1024 / 1e6, r * 1024 / s
		}'
	done
	awk -v h="$best_hoplint" -v n="$best_nginx" 'BEGIN {
		printf "\nnginx -t / hoplint check (best times): **%.1f×**\n", n / h
	}'
}
