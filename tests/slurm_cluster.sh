#!/usr/bin/env bash
# A single-node SLURM cluster on localhost, for tests/test_slurm.py and CI.
#
#   tests/slurm_cluster.sh start [STATE_DIR]   write /etc/slurm/slurm.conf, start munged,
#                                              slurmctld and slurmd, wait until the node is idle
#   tests/slurm_cluster.sh stop  [STATE_DIR]   cancel leftover jobs, stop what start started
#
# STATE_DIR (state, logs, pid files) defaults to $VG_SLURM_DIR or /tmp/vg-slurm. Needs root
# and the Debian packages slurmctld slurmd slurm-client munge (installed by CI, never by this
# script). The config goes where every SLURM client looks without being told,
# /etc/slurm/slurm.conf (SLURM_CONF would not do: the executor plugin's job step drops it
# before calling srun inside the job); `start` refuses to overwrite one it did not write,
# `stop` removes it. `start` on a running cluster only waits for the node; `stop` on a
# stopped one does nothing. All traffic stays on 127.0.0.1; no accounting database, no
# cgroups (works in a container).
set -euo pipefail

command=${1:-}
STATE=${2:-${VG_SLURM_DIR:-/tmp/vg-slurm}}
CONF=/etc/slurm/slurm.conf
MARKER="# Written by tests/slurm_cluster.sh: a one-node test cluster on localhost."
IDLE_TIMEOUT=${VG_SLURM_IDLE_TIMEOUT:-60}

die() {
  echo "slurm_cluster.sh: $*" >&2
  exit 1
}

alive() { # alive PIDFILE: the process named in PIDFILE runs
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pidfile() { # stop_pidfile NAME PIDFILE: TERM, up to 15 s, then KILL
  local name=$1 pidfile=$2 pid
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 30); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "stopped $name ($pid)"; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "killed $name ($pid)"
}

munge_answers() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

write_conf() {
  local node cpus mem_mb
  node=$(hostname -s)
  cpus=$(nproc)
  # RealMemory a bit below the machine's, so slurmd never reports less than configured.
  mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p "$STATE/ctld" "$STATE/slurmd" "$STATE/log" "$STATE/run"
  if [ -e "$CONF" ] && [ "$(head -n 1 "$CONF")" != "$MARKER" ]; then
    die "$CONF exists and was not written by this script: not overwriting another cluster's config"
  fi
  mkdir -p "$(dirname "$CONF")"
  cat >"$CONF" <<EOF
$MARKER
ClusterName=vg-test
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
# No cgroups (containers often lack them) and no accounting database (no slurmdbd):
# status comes from squeue, so finished jobs must stay visible there for a while. An
# hour, so that the tests can read what every job of a whole run asked for
# (scontrol show job) after the run.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MinJobAge=3600
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
# Two jobs may share a CPU: a test job mostly waits (Python start-up, status polling).
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:2
EOF
}

start_munge() {
  if munge_answers; then
    return 0
  fi
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- munged
  touch "$STATE/run/munged.ours" # stop only a munged that we started
  for _ in $(seq 20); do
    munge_answers && return 0
    sleep 0.5
  done
  die "munged did not answer (see /var/log/munge/munged.log)"
}

node_state() { sinfo -h -o %t 2>/dev/null | head -n 1; }

start() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it starts munged, slurmctld and slurmd)"
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null ||
      die "$tool not found: apt-get install -y slurmctld slurmd slurm-client munge"
  done
  mkdir -p "$STATE/run"
  if ! alive "$STATE/run/slurmctld.pid" && ! alive "$STATE/run/slurmd.pid"; then
    write_conf
  fi
  start_munge
  if ! alive "$STATE/run/slurmctld.pid"; then
    slurmctld -c -f "$CONF" # -c: a fresh queue, no jobs of an earlier run
  fi
  if ! alive "$STATE/run/slurmd.pid"; then
    slurmd -f "$CONF"
  fi
  local state=""
  for _ in $(seq $((IDLE_TIMEOUT * 2))); do
    state=$(node_state)
    case $state in
      idle | mix | alloc) break ;;
    esac
    sleep 0.5
  done
  case $state in
    idle | mix | alloc) ;;
    *)
      tail -n 20 "$STATE"/log/*.log >&2 || true
      die "the node did not become idle within ${IDLE_TIMEOUT}s (sinfo state: '${state:-no answer}'); logs above"
      ;;
  esac
  echo "SLURM cluster up ($CONF): partition debug, node $(hostname -s), state $state"
}

stop() {
  if alive "$STATE/run/slurmctld.pid"; then
    # Leftover jobs would keep their slurmstepd processes running after slurmd stops.
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 20); do
      [ -z "$(squeue -h -t running,completing -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  stop_pidfile slurmd "$STATE/run/slurmd.pid"
  stop_pidfile slurmctld "$STATE/run/slurmctld.pid"
  if [ -f "$STATE/run/munged.ours" ]; then
    stop_pidfile munged /run/munge/munged.pid
    rm -f "$STATE/run/munged.ours"
  fi
  if [ -f "$CONF" ] && [ "$(head -n 1 "$CONF")" = "$MARKER" ]; then
    rm -f "$CONF"
  fi
}

case $command in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop [STATE_DIR]" ;;
esac
