#!/bin/sh
# Started by the bench profile (mvn -Pbench package). Runs the load generator in a JVM of its own,
# pinned with taskset to one core so that it cannot take CPU from the server it measures.
# Arguments: java=PATH cpu=N xmx=SIZE "jvm=OPTIONS" CLASSPATH, then -D options for the generator.
# They come as name=value because Maven drops empty arguments, which would shift the others.
set -eu
set -f
java=${1#java=}
cpu=${2#cpu=}
xmx=${3#xmx=}
jvm=${4#jvm=}
classpath=$5
shift 5
pin=""
if [ -n "$cpu" ]; then
    if command -v taskset >/dev/null 2>&1; then
        pin="taskset -c $cpu"
    else
        echo "[bench] taskset not found: the generator runs unpinned, sharing cores with the server" >&2
    fi
fi
# $pin and $jvm are lists of words: split on purpose
exec $pin "$java" "-Xmx$xmx" $jvm -cp "$classpath" "$@" dev.parley.bench.Bench
