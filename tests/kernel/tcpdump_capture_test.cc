// `synsim explain` of what tcpdump itself writes: a capture taken by this
// machine's tcpdump (`-i any`: Linux cooked SLL2 frames, libpcap 1.10) in a
// private network namespace, of one connection over IPv6 (::1) and one over
// IPv4 (127.0.0.1), each a 5-byte request and a 5-byte answer. Both are read
// back as clean, completed connections, the IPv6 one with its addresses.
// Skipped, with the reason printed, without namespaces or tcpdump.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "sim/capture/classes.h"
#include "sim/capture/explain.h"
#include "sim/kernel/netns.h"
#include "sim/kernel/runner.h"
#include "tests/kernel/namespaces.h"

namespace synsim::kernel {
namespace {

constexpr std::uint16_t kPort = 8080;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One request and its answer over `family`'s loopback; "" or what failed.
std::string exchange(int family) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(kPort);
    a->sin6_addr = in6addr_loopback;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(kPort);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sockaddr_in);
  }
  const int listener = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listener, 8) != 0) {
    return std::string("bind/listen: ") + std::strerror(errno);
  }
  const int client = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(client, reinterpret_cast<sockaddr*>(&addr), len) != 0) return std::string("connect: ") + std::strerror(errno);
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  char buf[5];
  bool ok = server >= 0 && ::send(client, "hello", 5, 0) == 5 && ::recv(server, buf, 5, MSG_WAITALL) == 5 &&
            ::send(server, "world", 5, 0) == 5 && ::recv(client, buf, 5, MSG_WAITALL) == 5;
  ::close(client);  // the client closes first, after the answer
  if (ok) ok = ::recv(server, buf, 1, 0) == 0;
  ::close(server);
  ::close(listener);
  return ok ? "" : "the exchange failed";
}

// In a namespace of its own (on this thread): tcpdump, the two exchanges,
// tcpdump stopped. "" or what failed.
std::string capture_two_connections(const std::filesystem::path& pcap, const std::filesystem::path& log) {
  enter_private_network_namespace();
  bring_loopback_up();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    // -s 200 holds every header: at tcpdump's default snap length, lo's
    // 65,536-byte MTU makes each ring frame 256 KiB, eight in its 2 MiB
    // buffer, and 32 of 40 packets were dropped (measured).
    ::execlp("tcpdump", "tcpdump", "-i", "any", "--immediate-mode", "-s", "200", "-B", "4096", "-U", "-n", "-Z", "root", "-w", pcap.c_str(), "tcp port 8080",
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // tcpdump says "listening on any" once its socket is bound.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (read_all(log).find("listening on") == std::string::npos) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return "tcpdump did not start: " + read_all(log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string why = exchange(AF_INET6);
  if (why.empty()) why = exchange(AF_INET);
  // --immediate-mode hands tcpdump each packet at once (without it, libpcap
  // delivers TPACKET_V3 blocks after a second and a quick SIGINT loses them).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return why;
}

TEST(TcpdumpCapture, ExplainReadsTcpdumpsOwnSll2CaptureOfIPv6AndIPv4) {
  SKIP_WITHOUT_NAMESPACES();
  if (std::system("command -v tcpdump >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "tcpdump is not installed (scripts/install-deps installs it)";
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("synsim-tcpdump-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::filesystem::path pcap = dir / "two.pcap";
  std::string why;
  std::thread t([&] {
    try {
      why = capture_two_connections(pcap, dir / "tcpdump.log");
    } catch (const EnvironmentError& e) {
      why = e.what();
    }
  });
  t.join();
  ASSERT_EQ(why, "");

  // The file's link type (pcap header, bytes 20-23, little-endian here):
  // DLT_LINUX_SLL2, 276, what `-i any` writes since libpcap 1.10.
  const std::string bytes = read_all(pcap);
  ASSERT_GE(bytes.size(), 24u);
  std::uint32_t link = 0;
  std::memcpy(&link, bytes.data() + 20, 4);
  EXPECT_EQ(link, 276u) << "not a Linux cooked (SLL2) capture";

  capture::Input in = capture::read_capture_file(pcap.string());
  EXPECT_EQ(in.format, "pcap");
  const outcome::Outcome out = capture::explain(in);
  ASSERT_EQ(out.connections.size(), 2u);
  for (const outcome::ConnectionRecord& r : out.connections) {
    EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::completed) << r.name;
    EXPECT_EQ(capture::classify(r), capture::ConnectionClass::clean) << r.name;
    EXPECT_TRUE(r.connect_done.has_value()) << r.name;
    EXPECT_TRUE(r.data_delivered.has_value()) << r.name;
  }
  EXPECT_TRUE(std::any_of(out.packets.begin(), out.packets.end(), [](const outcome::Packet& p) {
    return p.src_addr == "::1" && p.dst_addr == "::1";
  }));
  EXPECT_TRUE(std::any_of(out.packets.begin(), out.packets.end(), [](const outcome::Packet& p) {
    return p.src_addr == "127.0.0.1";
  }));
  EXPECT_EQ(out.info.server_port, kPort);
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace synsim::kernel
