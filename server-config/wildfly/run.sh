#!/bin/sh
# Configures a WildFly 39 unpacked by `./mvnw -Pwildfly package` (target/wildfly/) with
# parley.cli, deploys target/parley.war unchanged at the root, and starts it.
#
#   server-config/wildfly/run.sh start   start in the background, wait for the deployment
#   server-config/wildfly/run.sh run     the same in the foreground (Ctrl-C stops it)
#   server-config/wildfly/run.sh stop    stop the server started by `start`
#
# Environment: PARLEY_DB_HOST, PARLEY_DB_PORT, PARLEY_DB_NAME, PARLEY_DB_USER,
# PARLEY_DB_PASSWORD (read by the server at every start); PARLEY_PORT (HTTP, 8080),
# PARLEY_MANAGEMENT_PORT (HAL console and HTTP management API, 9990); PARLEY_MANAGEMENT_USER and
# PARLEY_MANAGEMENT_PASSWORD, if set, add that management user (add-user.sh); PARLEY_JVM_ARGS,
# system properties for the server (-Dparley.…); JBOSS_HOME (target/wildfly/wildfly-39.0.1.Final);
# PARLEY_WAR (target/parley.war). Binds 127.0.0.1 only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
JBOSS_HOME=${JBOSS_HOME:-$root/target/wildfly/wildfly-39.0.1.Final}
export JBOSS_HOME
war=${PARLEY_WAR:-$root/target/parley.war}
driver=${PARLEY_JDBC_DRIVER:-$root/target/lib/postgresql.jar}
port=${PARLEY_PORT:-8080}
mgmt=${PARLEY_MANAGEMENT_PORT:-9990}
pidfile=$JBOSS_HOME/standalone/parley.pid
log=$JBOSS_HOME/standalone/log/server.log
deployments=$JBOSS_HOME/standalone/deployments
timeout=${PARLEY_START_TIMEOUT:-240}

configure() {
    [ -d "$JBOSS_HOME/bin" ] || { echo "no WildFly at $JBOSS_HOME: run ./mvnw -Pwildfly package first" >&2; exit 1; }
    [ -f "$war" ] || { echo "no $war: run ./mvnw package first" >&2; exit 1; }
    if [ ! -f "$JBOSS_HOME/.parley-configured" ]; then
        props=$JBOSS_HOME/parley-cli.properties
        echo "postgresql.jar=$driver" > "$props"
        rm -rf "$JBOSS_HOME/modules/org/postgresql"
        "$JBOSS_HOME/bin/jboss-cli.sh" --file="$here/parley.cli" --properties="$props"
        touch "$JBOSS_HOME/.parley-configured"
    fi
    if [ -n "${PARLEY_MANAGEMENT_PASSWORD:-}" ]; then
        "$JBOSS_HOME/bin/add-user.sh" -s -u "${PARLEY_MANAGEMENT_USER:-parley-admin}" -p "$PARLEY_MANAGEMENT_PASSWORD"
    fi
    # the same bytes, named ROOT.war so that WildFly serves it at / as Payara does
    rm -f "$deployments"/ROOT.war*
    cp "$war" "$deployments/ROOT.war"
}

server() {
    # shellcheck disable=SC2086
    exec_args="-c standalone-microprofile.xml -b 127.0.0.1 -bmanagement 127.0.0.1 \
        -Djboss.http.port=$port -Djboss.https.port=$((port + 363)) \
        -Djboss.management.http.port=$mgmt -Djboss.management.https.port=$((mgmt + 3)) \
        ${PARLEY_JVM_ARGS:-}"
    echo "$exec_args"
}

stop() {
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        fi
        rm -f "$pidfile"
        echo "WildFly stopped"
    fi
}

case "${1:-run}" in
run)
    configure
    # shellcheck disable=SC2046
    exec "$JBOSS_HOME/bin/standalone.sh" $(server)
    ;;
start)
    stop
    configure
    mkdir -p "$(dirname "$log")"
    : > "$log"
    JBOSS_PIDFILE=$pidfile LAUNCH_JBOSS_IN_BACKGROUND=1 \
        nohup "$JBOSS_HOME/bin/standalone.sh" $(server) > "$JBOSS_HOME/standalone/console.log" 2>&1 &
    i=0
    while [ $i -lt "$timeout" ]; do
        if [ -f "$deployments/ROOT.war.deployed" ]; then
            echo "Parley is up on WildFly: http://127.0.0.1:$port/ (management http://127.0.0.1:$mgmt/)"
            exit 0
        fi
        if [ -f "$deployments/ROOT.war.failed" ]; then
            echo "Parley failed to deploy on WildFly:" >&2
            cat "$deployments/ROOT.war.failed" >&2
            grep -E "ERROR|parley" "$log" | tail -n 40 >&2 || true
            stop
            exit 1
        fi
        sleep 1
        i=$((i + 1))
    done
    echo "WildFly did not deploy Parley in ${timeout}s; log: $log" >&2
    tail -n 60 "$log" >&2
    stop
    exit 1
    ;;
stop)
    stop
    ;;
*)
    echo "usage: $0 run|start|stop" >&2
    exit 2
    ;;
esac
