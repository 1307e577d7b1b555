# Sourced by the scripts that run the suite or the schemathesis CLI against the bundled
# reference server as a process of its own (the way a staging system is reached).
#
#   . scripts/lib/reference-server.sh
#   start_reference_server WHO [nexx-reference options...]   # sets $port and $base_url
#
# $REFERENCE_WORK is a private directory for the server's log and whatever the caller puts
# there (a database file); the server is stopped and the directory removed on exit.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
random_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(24))'; }

REFERENCE_WORK=$(mktemp -d)
REFERENCE_PID=
stop_reference_server() {
    if [ -n "$REFERENCE_PID" ]; then
        kill "$REFERENCE_PID" 2>/dev/null || true
        wait "$REFERENCE_PID" 2>/dev/null || true
    fi
    rm -rf "$REFERENCE_WORK"
}
trap stop_reference_server EXIT

start_reference_server() {
    local who=$1 log="$REFERENCE_WORK/server.log"
    shift
    port=$(free_port)
    # The cheapest argon2 cost, as the suite's in-process server: these runs register
    # hundreds of throwaway users, and the deliberate cost is the whole of their time.
    uv run nexx-reference --port "$port" --password-hash-cost cheapest "$@" >"$log" 2>&1 &
    REFERENCE_PID=$!
    for _ in $(seq 100); do
        if grep -q "http://" "$log"; then
            base_url="http://127.0.0.1:$port/v3.1"
            return 0
        fi
        kill -0 "$REFERENCE_PID" 2>/dev/null || { echo "$who: the reference server did not start:"; cat "$log"; exit 2; }
        sleep 0.2
    done
    echo "$who: the reference server printed no URL within 20 s:"; cat "$log"; exit 2
}

# The three domains the suite's flows need (plain, AutoAuthorize, SMS 2FA) with random
# secrets and the suite's mail and SMS sinks on free ports; sets $smtp and $sms too.
start_reference_for_the_suite() {
    local who=$1
    shift
    smtp=$(free_port); sms=$(free_port)
    export NEXX_DOMAIN_SECRET=$(random_secret) NEXX_ETERNAL_CID=$(random_secret)
    export NEXX_DOMAIN_ID=4711 NEXX_DOMAIN_ID_AUTOAUTHORIZE=4712 NEXX_DOMAIN_ID_SMS2FA=4713
    start_reference_server "$who" --domain-id 4711 --domain-id 4712:autoauthorize=1 \
        --domain-id 4713:twofactor=sms --smtp "127.0.0.1:$smtp" --sms-webhook "http://127.0.0.1:$sms/sms" "$@"
}
