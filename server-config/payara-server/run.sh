#!/bin/sh
# Sets up a Payara Server 6 unpacked by `./mvnw -Ppayara-server package` (target/payara-server/payara6)
# with a domain "parley" of its own, the pool from parley.asadmin, deploys target/parley.war
# unchanged at the root, and starts it.
#
#   server-config/payara-server/run.sh start   start in the background with Parley deployed
#   server-config/payara-server/run.sh run     the same, then follow the log (Ctrl-C stops it)
#   server-config/payara-server/run.sh stop    stop the domain
#
# Environment: PARLEY_DB_HOST, PARLEY_DB_PORT, PARLEY_DB_NAME, PARLEY_DB_USER, PARLEY_DB_PASSWORD
# (read by the server at every start; the password must not be empty); PARLEY_PORT (HTTP, 8080);
# PARLEY_PORT_BASE (the domain's other ports: admin console on base+48, 4848 for base 4800);
# PARLEY_JVM_ARGS (-Dparley.… settings); PAYARA_HOME (target/payara-server/payara6); PARLEY_WAR.
# The admin user is "admin" without a password, and every listener binds 127.0.0.1 only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PAYARA_HOME=${PAYARA_HOME:-$root/target/payara-server/payara6}
war=${PARLEY_WAR:-$root/target/parley.war}
driver=${PARLEY_JDBC_DRIVER:-$root/target/lib/postgresql.jar}
port=${PARLEY_PORT:-8080}
base=${PARLEY_PORT_BASE:-4800}
domain=parley
asadmin() { "$PAYARA_HOME/bin/asadmin" --interactive=false --port $((base + 48)) "$@"; }

configure() {
    [ -x "$PAYARA_HOME/bin/asadmin" ] || { echo "no Payara Server at $PAYARA_HOME: run ./mvnw -Ppayara-server package first" >&2; exit 1; }
    [ -f "$war" ] || { echo "no $war: run ./mvnw package first" >&2; exit 1; }
    if [ ! -d "$PAYARA_HOME/glassfish/domains/$domain" ]; then
        "$PAYARA_HOME/bin/asadmin" --interactive=false create-domain --nopassword --portbase "$base" "$domain"
        cp "$driver" "$PAYARA_HOME/glassfish/domains/$domain/lib/postgresql.jar"
        asadmin start-domain "$domain"
        asadmin multimode --file "$here/parley.asadmin"
        for arg in ${PARLEY_JVM_ARGS:-}; do
            asadmin create-jvm-options "$(printf '%s' "$arg" | sed 's/:/\\:/g')"
        done
        asadmin stop-domain "$domain"
    fi
    asadmin start-domain "$domain"
    asadmin set "configs.config.server-config.network-config.network-listeners.network-listener.http-listener-1.port=$port"
    asadmin deploy --force=true --name parley --contextroot / "$war"
}

case "${1:-run}" in
start)
    configure || { asadmin stop-domain "$domain" >/dev/null 2>&1 || true; exit 1; }
    echo "Parley is up on Payara Server: http://127.0.0.1:$port/ (admin console http://127.0.0.1:$((base + 48))/)"
    ;;
run)
    configure || { asadmin stop-domain "$domain" >/dev/null 2>&1 || true; exit 1; }
    trap 'asadmin undeploy parley >/dev/null 2>&1; asadmin stop-domain "$domain"' INT TERM EXIT
    tail -f "$PAYARA_HOME/glassfish/domains/$domain/logs/server.log"
    ;;
stop)
    # undeployed first: a domain that boots still loading the old WAR while deploy --force replaces
    # it fails to deploy (Weld: "beanManager" is null, or "name parley is already in use")
    if [ -d "$PAYARA_HOME/glassfish/domains/$domain" ]; then
        asadmin undeploy parley || true
        asadmin stop-domain "$domain" || true
    fi
    ;;
*)
    echo "usage: $0 run|start|stop" >&2
    exit 2
    ;;
esac
