#!/bin/sh
# Sets up an Open Liberty 26 unpacked by `./mvnw -Pliberty package` (target/liberty/wlp) as the
# server "parley" with server.xml, deploys target/parley.war unchanged at the root, and starts it.
#
#   server-config/liberty/run.sh start   start in the background, wait for the application
#   server-config/liberty/run.sh run     the same in the foreground (Ctrl-C stops it)
#   server-config/liberty/run.sh stop    stop it
#
# Environment: PARLEY_DB_HOST, PARLEY_DB_PORT, PARLEY_DB_NAME, PARLEY_DB_USER, PARLEY_DB_PASSWORD;
# PARLEY_PORT (HTTP, 8080) and PARLEY_HTTPS_PORT (9443: HTTPS, Admin Center and REST API);
# PARLEY_ADMIN_USER and PARLEY_ADMIN_PASSWORD (the Admin Center user); keystore_password (made up
# and kept in the server's server.env when not set); PARLEY_JVM_ARGS (-Dparley.… settings, written
# to jvm.options); WLP_HOME (target/liberty/wlp); PARLEY_WAR (target/parley.war). 127.0.0.1 only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
WLP_HOME=${WLP_HOME:-$root/target/liberty/wlp}
war=${PARLEY_WAR:-$root/target/parley.war}
driver=${PARLEY_JDBC_DRIVER:-$root/target/lib/postgresql.jar}
name=parley
server_dir=$WLP_HOME/usr/servers/$name
log=$server_dir/logs/messages.log
timeout=${PARLEY_START_TIMEOUT:-240}

configure() {
    [ -x "$WLP_HOME/bin/server" ] || { echo "no Open Liberty at $WLP_HOME: run ./mvnw -Pliberty package first" >&2; exit 1; }
    [ -f "$war" ] || { echo "no $war: run ./mvnw package first" >&2; exit 1; }
    [ -d "$server_dir" ] || "$WLP_HOME/bin/server" create "$name" >/dev/null
    cp "$here/server.xml" "$server_dir/server.xml"
    # keep the keystore's password across starts: the keystore made at the first start needs it
    if [ -n "${keystore_password:-}" ]; then
        password=$keystore_password
    elif [ -f "$server_dir/server.env" ] && grep -q '^keystore_password=' "$server_dir/server.env"; then
        password=$(sed -n 's/^keystore_password=//p' "$server_dir/server.env")
    else
        password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
    fi
    echo "keystore_password=$password" > "$server_dir/server.env"
    : > "$server_dir/jvm.options"
    for arg in ${PARLEY_JVM_ARGS:-}; do echo "$arg" >> "$server_dir/jvm.options"; done
    mkdir -p "$WLP_HOME/usr/shared/resources/postgresql" "$server_dir/apps"
    cp "$driver" "$WLP_HOME/usr/shared/resources/postgresql/postgresql.jar"
    cp "$war" "$server_dir/apps/parley.war"
}

case "${1:-run}" in
run)
    configure
    exec "$WLP_HOME/bin/server" run "$name"
    ;;
start)
    "$WLP_HOME/bin/server" stop "$name" >/dev/null 2>&1 || true
    configure
    rm -f "$log"
    "$WLP_HOME/bin/server" start "$name"
    i=0
    while [ $i -lt "$timeout" ]; do
        if [ -f "$log" ] && grep -q "CWWKZ0001I: Application parley started" "$log"; then
            echo "Parley is up on Open Liberty: http://127.0.0.1:${PARLEY_PORT:-8080}/ (Admin Center https://127.0.0.1:${PARLEY_HTTPS_PORT:-9443}/adminCenter)"
            exit 0
        fi
        if [ -f "$log" ] && grep -qE "CWWKZ0012I|CWWKZ0002E|CWWKZ0004E|CWWKZ0013E|CWWKF0001E|CWWKE0701E" "$log"; then
            echo "Parley failed to start on Open Liberty:" >&2
            grep -E " E |SchemaMigration|jdbc/parley" "$log" | tail -n 40 >&2 || true
            "$WLP_HOME/bin/server" stop "$name" || true
            exit 1
        fi
        sleep 1
        i=$((i + 1))
    done
    echo "Open Liberty did not start Parley in ${timeout}s; log: $log" >&2
    tail -n 60 "$log" >&2 || true
    "$WLP_HOME/bin/server" stop "$name" || true
    exit 1
    ;;
stop)
    if [ -d "$server_dir" ]; then
        "$WLP_HOME/bin/server" stop "$name" || true
    fi
    ;;
*)
    echo "usage: $0 run|start|stop" >&2
    exit 2
    ;;
esac
