// The machine the simulated applications run on: CPUs, threads, and what
// their work costs.
//
// Why it matters: whether the accept queue fills between a SYN and its
// final ACK depends on who runs when. On loopback a segment is processed in
// softirq on the CPU of the thread that sent it, before the sending syscall
// returns (loopback_xmit -> __netif_rx -> do_softirq at local_bh_enable), so
// a thread that connects runs the whole handshake on its own CPU while the
// server thread, on another CPU, accepts in parallel. Timer-driven
// retransmissions of many sockets fire in one tick and are processed
// breadth-first on the timer's CPU (kernel-measured-rules.md 5-6).
//
// Model: the loader (every client group) runs `loader_threads` threads,
// thread t on CPU t, each with its own queue of ready work (an epoll loop
// per thread); the server's `threads` serve one shared queue of ready work
// (an event loop such as Asio's io_context run by N threads) on the CPUs
// after them (all wrapping around `cpus`). A CPU runs one task at a time: the task's cost first (the
// syscall's own work, the application's CPU time), then its effect on the
// stack; packets the effect sends are processed on that CPU's backlog
// before the CPU takes its next task. An idle CPU given work starts it
// after `wakeup` (an epoll_wait() sleeper being woken).
//
// Placement (machine.placement: measured): a thread that slept at least
// Costs::affine_sleep is woken on the CPU of whatever woke it (an
// application's syscall or, most often, softirq there) instead of its own.
// If it slept less than Costs::long_sleep it preempts the thread running
// there at its next task boundary; if longer, it waits behind that thread
// until that one's work runs out or the next scheduler tick (Costs::tick),
// the wakeup not preempting (EEVDF's check_preempt_wakeup_fair() finds the
// sleeper's deadline later) and the tick's update_curr() ending the
// current's slice. A long sleeper woken by softirq on an idle CPU waits the
// same way behind a thread that the same burst woke first (the loader sees
// its connects complete before the server sees the children). Either way
// it cannot run before that CPU's softirq work is done, so a burst of final
// ACKs processed in one softirq run (a retransmission tick) meets an accept
// queue that nobody drains. Once its own work runs out it goes back to its
// CPU. Whether a wakeup lands on the waker's CPU is drawn
// (Costs::pack_share_ppm, the measured share).
// Measured on this VM with `synsim probe wakeup` (reports/load/cpus.md):
// after 20-100 us of sleep the wakee ran on the other vCPU ~20 us later;
// after 10-200 ms it ran on the waker's vCPU (76-100% of wakeups), 2-25 us
// later; after 300 ms-1 s on the waker's vCPU (83-91%) once the waker had
// finished (1.01 ms behind a waker busy for 1 ms). The scheduler code behind
// it (select_task_rq_fair() / wake_affine() in kernel/sched/fair.c, EEVDF's
// placement of a long sleeper, this VM's sched_vcpu_pack) is not modelled,
// only its effect.
// With `fixed` (the default) every thread stays on its CPU.
//
// Deviation: softirq work triggered by other CPUs' timers does not steal
// time from the task in progress; apart from long sleepers, threads never
// migrate between CPUs.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/model/event_loop_queue.h"
#include "sim/outcome/outcome.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

// CPU time of the application's socket calls on the reference machine
// (Linux 6.18, 2 vCPUs), per call, on top of the loopback packet
// processing the stack models.
struct Costs {
  Duration connect;         // socket() + connect() until the SYN is sent
  Duration send;            // write() of a small request
  Duration read;            // read() of the response
  Duration close;           // close()
  Duration accept;          // accept4() + registering the socket with the event loop
  Duration serve;           // read() of the request + write() of the response
  Duration softirq_packet;  // one loopback packet through process_backlog() and TCP
  // Threads sharing a CPU: the running one keeps it while it has work, for
  // at most this long, before a waiting one gets it (the scheduler's slice;
  // a woken thread does not preempt at once).
  Duration slice;
  // How long an idle thread takes to run after it is given work (woken out
  // of epoll_wait()), as a measured distribution: (quantile in 1/1000,
  // latency) points of its inverse CDF, interpolated linearly. On a virtual
  // machine an idle vCPU halts, and waking it has a long tail.
  std::vector<std::pair<std::uint32_t, Duration>> wakeup;
  // CPU stops (machine.stops: measured): how long a running thread loses its
  // CPU now and then (interrupts, the hypervisor taking the vCPU), as the
  // same kind of inverse CDF, and the mean time between two stops of a CPU.
  std::vector<std::pair<std::uint32_t, Duration>> stop;
  Duration stop_mean_gap{};
  // Placement (machine.placement: measured): a thread that slept at least
  // `affine_sleep` is woken on its waker's CPU; at least `long_sleep`, it
  // runs there behind the waker.
  Duration affine_sleep{};
  Duration long_sleep{};
  // The share, in millionths, of such wakeups that land on the waker's CPU
  // (the others run on the sleeper's own CPU after `wakeup`), drawn per
  // wakeup from the seed.
  std::uint32_t pack_share_ppm = 1'000'000;
  // The scheduler tick (CONFIG_HZ): a long sleeper waiting behind the
  // waker's thread gets the CPU at the next tick at the latest.
  Duration tick{};
  // The machine's slow phases (machine.phases: measured): the share of runs,
  // in thousandths, that this VM ran slower than its usual speed, and how
  // much slower each such run was (every per-call and per-packet cost times
  // one of these, in thousandths, drawn per run).
  std::uint32_t slow_phase_per_mille = 0;
  std::vector<std::uint32_t> slow_phase_scales;
};

// The figures synsim uses unless a scenario says otherwise.
Costs measured_costs();

// A wakeup latency from `costs.wakeup` for a uniform draw u in [0, 1000000).
Duration wakeup_latency(const Costs& costs, std::uint64_t u);
// A value of an inverse CDF given as (quantile in 1/1000, value) points, for
// a uniform draw u in [0, 1000000), interpolated linearly.
Duration from_quantiles(const std::vector<std::pair<std::uint32_t, Duration>>& q, std::uint64_t u);

// What a thread does next.
enum class Work : std::uint8_t {
  connect,       // loader: connect()
  connected,     // loader: its event loop sees connect() complete (EPOLLOUT) and acts on it
  send,          // loader: write() the request
  read,          // loader: read() the response
  close,         // loader: close()
  accept,        // server: accept() once
  serve,         // server: read() the request, reply
  server_close,  // server: close() after reading EOF
  failed,        // loader: its event loop sees the socket's error (EPOLLERR, SO_ERROR)
};

struct Task {
  Work work;
  std::uint32_t conn = 0;
};

// The applications: what a task costs and what it does.
class TaskRunner {
 public:
  virtual Duration cost(const Task& t) const = 0;
  virtual void execute(const Task& t) = 0;

 protected:
  ~TaskRunner() = default;
};

class Machine final : public EventHandlerFor<Machine> {
 public:
  // A queue of ready work and the threads that serve it: loader thread t
  // (its own), or the server's (shared by its threads).
  struct Executor {
    std::uint32_t id = 0;
    friend bool operator==(Executor a, Executor b) { return a.id == b.id; }
  };
  Executor loader(std::uint32_t thread) const { return Executor{thread}; }
  Executor server() const { return Executor{loader_threads_}; }

  // `seed`: the run's seed (wakeup latencies and stops are drawn from it).
  // `stops`: CPUs stop now and then (Costs::stop), from time zero.
  // `pack_long_sleepers`: machine.placement: measured (above).
  Machine(std::uint32_t cpus, std::uint32_t loader_threads, std::uint32_t server_threads, const Costs& costs,
          std::uint64_t seed, EventQueue& events, tcp::Stack& stack, TaskRunner& runner, bool stops = false,
          bool pack_long_sleepers = false);

  // Queues a task for the loader or the server's threads, as a socket of
  // their event loop turning ready. `front`: the thread continues with it
  // before anything else that is ready (an accept loop that keeps
  // accepting).
  void submit(Executor ex, const Task& task, bool front = false);
  // Queues a task on the executor's timeline, due now: its loop runs it
  // after the socket handlers of its current pass (event_loop_queue.h).
  void submit_due(Executor ex, const Task& task);
  // A stop-the-world pause of the executor's threads (a garbage collector,
  // SIGSTOP): none of them starts a task in [from, until); a task in
  // progress finishes (tasks are microseconds long). Their CPU goes to the
  // other threads meanwhile; the kernel keeps queueing and retransmitting.
  void pause(Executor ex, Time from, Time until);
  // The stack's backlog on `cpu` drained: the thread there runs again.
  void softirq_idle(std::uint32_t cpu);

  // What an executor's threads took, as a kernel run measures it
  // (outcome::ThreadTimes): its tasks' costs plus the softirq packets its
  // CPU processed while it held it, and how long it had work but no CPU
  // (from the moment it had work to the start of its next task: wakeup
  // latency, a CPU's stop, a slice of another thread). No timeslices.
  outcome::ThreadTimes times(Executor ex, std::uint32_t threads) const;


  // The machine's events (arg: the CPU).
  enum class Ev : std::uint32_t { wake = 0, stop = 1 };
  using Event = TaggedEvent<Ev, std::uint32_t>;
  void on_event(Event e);

 private:
  struct Cpu {
    std::vector<Executor> serves;  // executors whose threads run here
    bool running = false;          // `task` in progress, effect at `busy_until`
    Task task{Work::connect, 0};
    Time busy_until{};
    EventId wake;
    Time wake_at{};
    std::int32_t current = -1;     // index into `serves` of the thread holding the CPU
    Time slice_start{};
    Time hold_until{};             // the current thread keeps the CPU while it has work, until then
    bool in_run = false;           // run() is on this CPU's stack: it will look at the queues
    Time stopped_until{};          // a stop (Costs::stop): no thread runs here before this
    Executor task_of{};            // the executor whose `task` is in progress
  };
  // A long sleeper woken on its waker's CPU (placement: measured).
  struct Visit {
    bool active = false;
    std::uint32_t home = 0;  // the CPU it left
    std::uint32_t at = 0;    // the waker's CPU, where it runs until its work runs out
  };
  // The executor has no task running and none queued but `task`.
  bool asleep(Executor ex) const;
  bool in_own_softirq(Executor ex) const;
  void begin_visit(Executor ex, std::uint32_t at, bool behind);
  void end_visit(Executor ex);
  static void stop_serving(Cpu& cpu, Executor ex);
  void on_stop(std::uint32_t cpu);
  void schedule_stop(std::uint32_t cpu);

  void run(std::uint32_t cpu);
  void run_loop(std::uint32_t cpu);
  void wake(std::uint32_t cpu, Time at);
  // The end of the pause `ex` is in now, or now() when it is not paused.
  Time paused_until(Executor ex) const;
  // submit()'s bookkeeping once the task is queued: placement, waiting
  // time, waking an idle CPU.
  void note_submitted(Executor ex, bool was_asleep);
  Time now() const { return stack_.now(); }

  std::uint32_t loader_threads_ = 1;
  std::vector<Cpu> cpus_;
  // By executor id: ready work, pauses [from, until), when its last task
  // ended (or started), tasks in progress, a visit.
  std::vector<EventLoopQueue<Task>> queues_;
  std::vector<std::vector<std::pair<Time, Time>>> pauses_;
  bool pack_long_sleepers_ = false;
  std::vector<Time> last_active_;
  std::vector<std::uint32_t> running_;
  std::vector<Visit> visits_;
  // By executor id: its tasks' CPU, time with work and no CPU, and since
  // when it has had work waiting (nullopt: none, or running).
  std::vector<Duration> task_cpu_;
  std::vector<Duration> waited_;
  std::vector<std::optional<Time>> ready_since_;
  Costs costs_;
  Rng wakeup_rng_;
  Rng stop_rng_;
  Rng placement_rng_;
  EventQueue& events_;
  tcp::Stack& stack_;
  TaskRunner& runner_;
};

}  // namespace synsim::model
