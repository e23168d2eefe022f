// The passes of one event-loop thread (sim/model/event_loop_queue.h), as
// the kernel runner's loader makes them (plain_loader.cc PlainLoop::run).
#include "sim/model/event_loop_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using Queue = synsim::model::EventLoopQueue<int>;

std::vector<int> drain(Queue& q) {
  std::vector<int> out;
  while (!q.empty()) out.push_back(q.pop());
  return out;
}

TEST(EventLoopQueue, TheSocketsReadyAtAPassGoBeforeItsDueWork) {
  Queue q;
  q.push_due(1);
  q.push_socket(2);
  q.push_due(3);
  q.push_socket(4);
  EXPECT_EQ(drain(q), (std::vector<int>{2, 4, 1, 3}));
}

TEST(EventLoopQueue, ASocketReadyDuringTheDueWorkWaitsForTheNextPass) {
  Queue q;
  q.push_socket(1);
  q.push_due(2);
  q.push_due(3);
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);  // the due work of the pass
  q.push_socket(4);       // epoll_pwait2() already returned
  q.push_due(5);          // due now: run_due() takes it in this pass
  EXPECT_EQ(drain(q), (std::vector<int>{3, 5, 4}));
}

TEST(EventLoopQueue, ASocketReadyDuringThePassWaitsForTheNextOne) {
  Queue q;
  q.push_socket(1);
  q.push_due(2);
  EXPECT_EQ(q.pop(), 1);
  q.push_socket(3);  // after the pass's epoll_pwait2()
  EXPECT_EQ(drain(q), (std::vector<int>{2, 3}));
}

TEST(EventLoopQueue, APassTakesAtMost256Sockets) {
  Queue q;
  for (int i = 0; i < 300; ++i) q.push_socket(i);
  q.push_due(-1);
  const std::vector<int> order = drain(q);
  ASSERT_EQ(order.size(), 301u);
  EXPECT_EQ(order[255], 255);
  EXPECT_EQ(order[256], -1);  // the due work, before the 44 sockets left for the next pass
  EXPECT_EQ(order[257], 256);
}

TEST(EventLoopQueue, ADueRunTakesAtMost4096Entries) {
  Queue q;
  for (int i = 0; i < 5000; ++i) q.push_due(i);
  EXPECT_EQ(q.pop(), 0);
  q.push_socket(-1);
  std::vector<int> order{0};
  while (!q.empty()) order.push_back(q.pop());
  EXPECT_EQ(order[4095], 4095);
  EXPECT_EQ(order[4096], -1);  // the next pass's socket
  EXPECT_EQ(order[4097], 4096);
}

// A loop that ran out of work blocks in epoll_pwait2(): whatever turns
// ready next starts a new pass, its sockets first, not the old pass's due run.
TEST(EventLoopQueue, AfterAnIdleLoopTheNextPassStartsWithItsSockets) {
  Queue q;
  q.push_socket(1);
  EXPECT_EQ(q.pop(), 1);
  q.idle();
  q.push_due(2);
  q.push_socket(3);
  EXPECT_EQ(drain(q), (std::vector<int>{3, 2}));
  q.idle();
  // idle() with work queued changes nothing.
  q.push_socket(4);
  q.push_due(5);
  EXPECT_EQ(q.pop(), 4);
  q.idle();
  q.push_socket(6);
  EXPECT_EQ(drain(q), (std::vector<int>{5, 6}));
}

// The server's executor is given only socket events: it is one FIFO, with
// an accept loop that continues at the front.
TEST(EventLoopQueue, SocketEventsAloneAreOneFifoWithTheFrontForTheRunningHandler) {
  Queue q;
  for (int i = 0; i < 600; ++i) q.push_socket(i);
  std::vector<int> order;
  for (int i = 0; i < 300; ++i) order.push_back(q.pop());
  q.push_socket(-1, /*front=*/true);
  EXPECT_EQ(q.pop(), -1);
  while (!q.empty()) order.push_back(q.pop());
  ASSERT_EQ(order.size(), 600u);
  for (int i = 0; i < 600; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

}  // namespace
