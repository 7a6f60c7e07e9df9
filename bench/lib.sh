# Shared by the load scripts (sourced, not run). The script sets BENCH (its name, for messages),
# JAVA, jar, EMAIL and PASSWORD before sourcing; this file creates $work and stops whatever the
# script started ($server_pid, $nginx_pid) and removes $work on exit (KEEP=1 keeps it).

say() { printf '%s\n' "$*" >&2; }
die() { say "$BENCH: $*"; exit 1; }

work="$(mktemp -d -t "safelight-$BENCH.XXXXXX")"
server_pid=""
nginx_pid=""

stop_pid() { # pid, name: TERM, up to 15 s, then KILL
    local pid="$1" name="$2" i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    say "$BENCH: $name ($pid) did not stop within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$server_pid" "the Safelight server"
    stop_pid "$nginx_pid" "nginx"
    if [[ "${KEEP:-}" == 1 ]]; then
        say "$BENCH: kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { # a loopback port nobody listens on now
    local p i
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

wait_http() { # url, pid, what: up to 60 s for any HTTP answer while pid lives
    local url="$1" pid="$2" what="$3" i
    for ((i = 0; i < 600; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$what exited while starting (log in $work)"
        if curl -sS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "$what did not answer $url within 60 s"
}

cli() { SAFELIGHT_PASSWORD="$PASSWORD" XDG_CONFIG_HOME="$work/home" "$JAVA" -jar "$jar" "$@"; }

signed_up() { # base url, then signup's options: signs up $EMAIL and confirms it through the link
    local base="$1" link
    shift
    cli signup --server "$base" --email "$EMAIL" "$@" >"$work/signup.txt" \
        || die "signup failed: $(cat "$work/signup.txt")"
    # The verification link, from the message in the outbox (maybe quoted-printable: soft breaks, =3D).
    link="$(cat "$work"/data/outbox/*.eml | tr -d '\r' | sed -e ':a' -e '/=$/{N;s/=\n//;ba}' | sed 's/=3D/=/g' \
        | grep -o 'https\?://[^ ]*/api/v1/accounts/verify?token=[A-Za-z0-9_-]*' | head -n 1)" \
        || die "no verification link in $work/data/outbox"
    # The page's form: the password chosen at sign-up, posted back to the link's own address.
    curl -fsS -o /dev/null --max-time 10 --data-urlencode "password=$PASSWORD" "$link" \
        || die "verifying the address failed"
}

start_nginx() { # workers, default type, probe path: serves $work/nginx/html on a free port ($nport)
    local workers="$1" type="$2" probe="$3" user_line=""
    nport="$(free_port)"
    mkdir -p "$work/nginx/html"
    # As root, nginx's workers would run as nobody and could not read our private (0700) folder.
    [[ "$(id -u)" == 0 ]] && user_line="user root;"
    cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes $workers;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type $type;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nport;
        root $work/nginx/html;
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx/stdout.log" 2>&1 &
    nginx_pid=$!
    wait_http "http://127.0.0.1:$nport/$probe" "$nginx_pid" "nginx"
}
