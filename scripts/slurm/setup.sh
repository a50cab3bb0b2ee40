#!/usr/bin/env bash
# Install and start a single-node Slurm cluster over loopback (Debian 12, run as
# root, no systemd needed). Idempotent: if the node already reports idle it
# returns at once.
#   scripts/slurm/setup.sh           # install + start, wait until node is idle
#   scripts/slurm/setup.sh --check   # ... then run a job-array self-test
# Stop everything with scripts/slurm/stop.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK=0
case ${1:-} in
    --check) CHECK=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

NODE=$(hostname -s 2>/dev/null || true); NODE=${NODE:-localhost}
LOGDIR=/var/log/slurm
CONF=/etc/slurm/slurm.conf
WAIT_SECS=${SLURM_SETUP_WAIT:-60}

# Node state as sinfo prints it ("idle", "mixed", "down*", ...), empty if no controller.
node_state() { timeout 10 sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -n1 || true; }
node_ready() { [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]]; }
# True if the pid file names a live process (sinfo would retry ~10 s against a dead controller).
pid_alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
munge_ok() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

dump_logs() {
    echo "---- sinfo / scontrol show node" >&2
    sinfo -N -l >&2 || true; scontrol show node "$NODE" >&2 || true
    for f in "$LOGDIR"/slurmctld.log "$LOGDIR"/slurmd.log "$LOGDIR"/*.stdout /var/log/munge/munged.log; do
        [[ -f $f ]] && { echo "---- tail $f" >&2; tail -n 40 "$f" >&2; }
    done
    return 0
}

setup() {
    # 1. Packages (apt-get update only if the plain install fails).
    local pkgs=(munge slurmctld slurmd slurm-client)
    local n
    n=$(dpkg-query -W -f='${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null | grep -c '^installed$' || true)
    if ((n != ${#pkgs[@]})); then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends "${pkgs[@]}" \
            || { apt-get update && apt-get install -y --no-install-recommends "${pkgs[@]}"; }
    fi

    # 2. Munge: key (the package usually makes one) and daemon, run as user munge.
    install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
    install -d -o munge -g munge -m 0755 /run/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
            || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
    if ! munge_ok; then
        rm -f /run/munge/munged.pid
        setsid runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid \
            </dev/null >/dev/null 2>&1
        for _ in $(seq 20); do munge_ok && break; sleep 0.5; done
        munge_ok || { echo "munged failed to start" >&2; dump_logs; exit 1; }
    fi

    # 3. Restart Slurm daemons from a clean slate with a freshly written config.
    "$HERE/stop.sh" --keep-munge
    install -d -m 0755 /etc/slurm "$LOGDIR" /var/spool/slurmctld /var/spool/slurmd
    local cpus mem
    cpus=$(nproc)
    mem=$(awk '/^MemAvailable:/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)  # MiB, 10% below free
    cat > "$CONF" <<CONF
# Written by scripts/slurm/setup.sh: one node "$NODE" over loopback, no cgroups.
ClusterName=shingle
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# CR_CPU: each array task takes 1 CPU by default, so $cpus tasks run at once;
# memory is not a consumable resource (no --mem needed).
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF

    # Both daemons fork into the background; detach their stdio so a CI runner
    # waiting for EOF on its pipes does not hang on them.
    setsid slurmctld </dev/null >>"$LOGDIR/slurmctld.stdout" 2>&1
    setsid slurmd -N "$NODE" </dev/null >>"$LOGDIR/slurmd.stdout" 2>&1

    # 4. Wait (bounded) for the node to register as idle; resume it if a saved
    #    state left it drained.
    local deadline=$((SECONDS + WAIT_SECS)) state
    until node_ready; do
        state=$(node_state)
        if [[ $state =~ drain ]]; then scontrol update NodeName="$NODE" State=RESUME || true; fi
        if ((SECONDS >= deadline)); then
            echo "slurm: node $NODE not idle after ${WAIT_SECS}s (state: '${state}')" >&2
            dump_logs; exit 1
        fi
        sleep 1
    done
    echo "slurm: node $NODE ready ($(sinfo --version), $cpus CPUs, ${mem} MiB)"
}

self_check() {
    local out=/tmp/slurm-check t0 starts
    rm -f "$out"-*.out
    # 4 tasks on a 1-CPU-each basis; each records its start time and sleeps so
    # that concurrency can be verified.
    # shellcheck disable=SC2016  # the job's shell expands these, not ours
    sbatch --wait --array=0-3 --output="$out-%a.out" \
        --wrap 'echo rank $SLURM_ARRAY_TASK_ID on $(hostname); date +%s; sleep 2' >/dev/null \
        || { echo "check: sbatch --wait failed for a passing array" >&2; exit 1; }
    for i in 0 1 2 3; do
        grep -qx "rank $i on .*" "$out-$i.out" || { echo "check: bad $out-$i.out" >&2; cat "$out-$i.out" >&2 || true; exit 1; }
    done
    # At least two tasks must have started within 1 s of the first one.
    starts=$(awk 'FNR == 2' "$out"-?.out | sort -n)
    t0=$(head -n1 <<<"$starts")
    if (( $(awk -v t="$t0" '$1 <= t + 1' <<<"$starts" | wc -l) < 2 )); then
        echo "check: array tasks did not run concurrently (starts: ${starts//$'\n'/ })" >&2; exit 1
    fi
    # A failing task must make sbatch --wait exit non-zero.
    local rc=0
    # shellcheck disable=SC2016
    sbatch --wait --array=0-3 --output=/dev/null --wrap 'test $SLURM_ARRAY_TASK_ID -ne 2' >/dev/null || rc=$?
    if ((rc == 0)); then echo "check: sbatch --wait returned 0 for a failing task" >&2; exit 1; fi
    echo "slurm check: OK (4 ranks written, tasks concurrent, failing array -> exit $rc)"
}

if pid_alive /run/slurmctld.pid && pid_alive /run/slurmd.pid && munge_ok && node_ready; then
    echo "slurm: already running, node $NODE is $(node_state)"
else
    setup
fi
((CHECK)) && self_check
exit 0
