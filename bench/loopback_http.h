// A load generator for benchmarks: one thread drives `connections` keep-alive HTTP/1.1
// connections to 127.0.0.1:port with poll(), each with one request in flight at a time, so
// that many concurrent clients cost the 2-core machine one client thread. Responses are read
// by Content-Length (what cpp-httplib sends); chunked replies are not supported.
//
// Bounded: run() stops after `seconds` of wall time or `max_requests` requests, whichever
// comes first, and a connection that fails or closes ends the run with an error.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace gpufleet::bench {

struct LoadResult {
  int64_t sent = 0;
  int64_t ok = 0;          // replies with the expected status
  int64_t other = 0;       // any other status (the first one's body is kept)
  std::string first_other; // "STATUS BODY" of the first unexpected reply
  double seconds = 0;      // wall time from the first request to the last reply
  std::string error;       // a socket failure, or "" (then the run was complete)
};

class LoopbackLoad {
 public:
  // request(i) gives the i-th request's body; every request is `method path` with the bearer
  // token; a reply with status `expect` counts as ok.
  LoopbackLoad(int port, int connections, std::string method, std::string path, std::string token, int expect)
      : port_(port), connections_(connections), method_(std::move(method)), path_(std::move(path)),
        token_(std::move(token)), expect_(expect) {}

  LoadResult run(double seconds, int64_t max_requests, const std::function<std::string(int64_t)>& request) {
    LoadResult out;
    std::vector<Conn> conns(static_cast<size_t>(connections_));
    for (Conn& c : conns) {
      c.fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port_));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const int one = 1;
      ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        out.error = "cannot connect to 127.0.0.1";
        close_all(conns);
        return out;
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    auto send_next = [&](Conn& c) -> bool {
      if (out.sent >= max_requests || std::chrono::steady_clock::now() >= deadline) return false;
      const std::string body = request(out.sent++);
      std::string msg = method_ + " " + path_ + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token_ +
                        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      size_t at = 0;
      while (at < msg.size()) {  // small requests: the socket buffer takes them whole
        const ssize_t n = ::send(c.fd, msg.data() + at, msg.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return false;
        at += static_cast<size_t>(n);
      }
      c.busy = true;
      c.in.clear();
      return true;
    };
    int busy = 0;
    for (Conn& c : conns) busy += send_next(c);
    std::vector<pollfd> fds(conns.size());
    char buf[16384];
    while (busy > 0 && out.error.empty()) {
      for (size_t i = 0; i < conns.size(); ++i) fds[i] = pollfd{conns[i].busy ? conns[i].fd : -1, POLLIN, 0};
      if (::poll(fds.data(), fds.size(), 10000) <= 0) {
        out.error = "no reply within 10 s";
        break;
      }
      for (size_t i = 0; i < conns.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Conn& c = conns[i];
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          out.error = "the server closed a connection";
          break;
        }
        c.in.append(buf, static_cast<size_t>(n));
        int status = 0;
        std::string body;
        if (!complete(c.in, status, body)) continue;
        c.busy = false;
        --busy;
        if (status == expect_) {
          ++out.ok;
        } else if (out.other++ == 0) {
          out.first_other = std::to_string(status) + " " + body;
        }
        busy += send_next(c);
      }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    close_all(conns);
    return out;
  }

 private:
  struct Conn {
    int fd = -1;
    bool busy = false;
    std::string in;
  };
  static void close_all(std::vector<Conn>& conns) {
    for (Conn& c : conns)
      if (c.fd >= 0) ::close(c.fd);
  }
  // Whether `in` holds a whole response; then its status and body.
  static bool complete(const std::string& in, int& status, std::string& body) {
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos || in.size() < 12) return false;
    status = std::atoi(in.c_str() + 9);  // "HTTP/1.1 201 ..."
    size_t length = 0;
    for (size_t at = in.find("\r\n"); at < end; at = in.find("\r\n", at + 2)) {
      const size_t colon = in.find(':', at);
      std::string name = in.substr(at + 2, colon - at - 2);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "content-length") length = static_cast<size_t>(std::atoll(in.c_str() + colon + 1));
    }
    if (in.size() < end + 4 + length) return false;
    body = in.substr(end + 4, length);
    return true;
  }

  int port_, connections_;
  std::string method_, path_, token_;
  int expect_;
};

}  // namespace gpufleet::bench
