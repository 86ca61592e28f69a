#include "serve/http_api.h"

#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

#include "serve/openapi.h"

namespace gpufleet::serve {

namespace {

using Handler = std::function<Reply(Service&, const Caller&, const httplib::Request&)>;

// A route template as a regex: "{id}" takes digits, "{name}" one path segment.
std::string route_regex(const std::string& path) {
  std::string out = std::regex_replace(path, std::regex(R"(\{id\})"), R"((\d{1,18}))");
  out = std::regex_replace(out, std::regex(R"(\{name\})"), R"(([^/]{1,128}))");
  return std::regex_replace(out, std::regex(R"(\.)"), R"(\.)");
}

int64_t id_param(const httplib::Request& req) { return std::stoll(req.matches[1].str()); }

void send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  if (reply.status == 503) res.set_header("Retry-After", "1");
  // A message may quote what the client sent, invalid UTF-8 included: replaced, never thrown.
  res.set_content(reply.body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), "application/json");
}

Reply error(int status, const std::string& field, const std::string& message) {
  Reply r;
  r.status = status;
  r.body["error"] = message;
  if (!field.empty()) r.body["field"] = field;
  return r;
}

// Query parameters of GET /v1/jobs; unknown ones are an error, not ignored.
Result<JobFilter> job_filter(const httplib::Request& req) {
  JobFilter f;
  for (const auto& param : req.params) {
    // Named references, not a structured binding: clang 14 cannot capture those in a lambda.
    const std::string& key = param.first;
    const std::string& value = param.second;
    auto number = [&](int64_t& out) -> Result<void> {
      try {
        size_t used = 0;
        out = std::stoll(value, &used);
        if (used != value.size()) throw std::invalid_argument(value);
      } catch (const std::exception&) {
        return fail("query", 0, 0, key, fmt::format("'{}'; expected a whole number", value));
      }
      return {};
    };
    if (key == "tenant") {
      f.tenant = value;
    } else if (key == "site") {
      f.site = value;
    } else if (key == "state") {
      JobState s;
      if (!job_state_from_string(value, s))
        return fail("query", 0, 0, key, fmt::format("'{}'; expected queued, running, finished, cancelled or unplaceable", value));
      f.state = s;
    } else if (key == "after") {
      if (auto r = number(f.after_id); !r) return tl::unexpected(r.error());
    } else if (key == "limit") {
      if (auto r = number(f.limit); !r) return tl::unexpected(r.error());
    } else {
      return fail("query", 0, 0, key, "unknown parameter; expected tenant, state, site, after or limit");
    }
  }
  return f;
}

// Token buckets per token hash.
class RateLimiter {
 public:
  RateLimiter(double per_s, double burst) : per_s_(per_s), burst_(burst) {}
  bool allow(const std::string& key) {
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    std::lock_guard lock(mu_);
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& b = it->second;
    b.tokens = std::min(burst_, b.tokens + (now - b.at) * per_s_);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens, at;
  };
  double per_s_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace

struct HttpServer::Impl {
  std::function<std::shared_ptr<Service>()> current;
  HttpOptions options;
  httplib::Server server;
  RateLimiter limiter;

  Impl(std::function<std::shared_ptr<Service>()> c, HttpOptions o)
      : current(std::move(c)), options(std::move(o)), limiter(options.requests_per_s, options.burst) {}

  std::map<std::pair<std::string, std::string>, Handler> handlers() {
    std::map<std::pair<std::string, std::string>, Handler> h;
    h[{"post", "/v1/jobs"}] = [](Service& service, const Caller& c, const httplib::Request& r) { return service.submit(c, r.body); };
    h[{"get", "/v1/jobs"}] = [](Service& service, const Caller& c, const httplib::Request& r) {
      auto f = job_filter(r);
      if (!f) return error(400, f.error().field, f.error().to_string());
      return service.list_jobs(c, *f);
    };
    h[{"get", "/v1/jobs/{id}"}] = [](Service& service, const Caller& c, const httplib::Request& r) { return service.get_job(c, id_param(r)); };
    h[{"delete", "/v1/jobs/{id}"}] = [](Service& service, const Caller& c, const httplib::Request& r) { return service.cancel_job(c, id_param(r)); };
    h[{"post", "/v1/jobs/{id}/events"}] = [](Service& service, const Caller& c, const httplib::Request& r) {
      return service.job_event(c, id_param(r), r.body);
    };
    h[{"get", "/v1/fleet"}] = [](Service& service, const Caller& c, const httplib::Request&) { return service.fleet(c); };
    h[{"post", "/v1/fleet/outages"}] = [](Service& service, const Caller& c, const httplib::Request& r) { return service.outage(c, r.body); };
    h[{"post", "/v1/fleet/nodes/{id}"}] = [](Service& service, const Caller& c, const httplib::Request& r) {
      return service.node(c, id_param(r), r.body);
    };
    h[{"get", "/v1/tenants/{name}"}] = [](Service& service, const Caller& c, const httplib::Request& r) {
      return service.tenant(c, r.matches[1].str());
    };
    h[{"post", "/v1/admin/clock"}] = [](Service& service, const Caller& c, const httplib::Request& r) { return service.advance_clock(c, r.body); };
    return h;
  }

  void register_routes() {
    auto table = handlers();
    for (const RouteDoc& route : api_routes()) {
      httplib::Server::Handler serve;
      if (route.path == "/openapi.json") {
        serve = [](const httplib::Request&, httplib::Response& res) {
          res.set_content(openapi_document().dump(2), "application/json");
        };
      } else if (route.path == "/healthz") {
        serve = [this](const httplib::Request&, httplib::Response& res) { send(res, current()->health()); };
      } else {
        Handler handler;
        if (route.path != "/metrics") handler = table.at({route.method, route.path});
        const Access access = route.access;
        const bool metrics = route.path == "/metrics";
        serve = [this, handler, access, metrics](const httplib::Request& req, httplib::Response& res) {
          const std::string auth = req.get_header_value("Authorization");
          const std::string prefix = "Bearer ";
          const std::string token = auth.rfind(prefix, 0) == 0 ? auth.substr(prefix.size()) : std::string();
          const std::shared_ptr<Service> service = current();  // kept for the whole request
          const auto caller = service->authenticate(token);
          if (!caller) {
            res.set_header("WWW-Authenticate", "Bearer");
            return send(res, error(401, "", token.empty() ? "no bearer token; expected 'Authorization: Bearer TOKEN'"
                                                           : "unknown token"));
          }
          if (!limiter.allow(caller->token_hash))
            return send(res, error(429, "", fmt::format("more than {} requests per second with this token; slow down",
                                                        options.requests_per_s)));
          if (access == Access::admin && caller->role != Role::admin) return send(res, error(403, "", "this route needs the admin token"));
          if (access == Access::tenant && caller->role != Role::tenant) return send(res, error(403, "", "this route needs a tenant's token"));
          if (metrics) {
            res.set_content(service->metrics(), "text/plain; version=0.0.4");
            return;
          }
          send(res, handler(*service, *caller, req));
        };
      }
      const std::string pattern = route_regex(route.path);
      if (route.method == "get") server.Get(pattern, serve);
      if (route.method == "post") server.Post(pattern, serve);
      if (route.method == "delete") server.Delete(pattern, serve);
    }
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (res.status == 404 && res.body.empty())
        send(res, error(404, "", fmt::format("no route {} {}; see GET /openapi.json", req.method, req.path)));
      else if (res.status == 413)
        send(res, error(413, "", "request body too large"));
      else if (res.body.empty())
        send(res, error(res.status, "", "bad request"));
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      send(res, error(500, "", "internal error: " + what));
    });
    server.set_payload_max_length(options.max_body_bytes);
    server.set_read_timeout(10, 0);
    server.set_write_timeout(10, 0);
    server.set_keep_alive_max_count(100000);
    // Headers and body leave in separate writes: with Nagle's algorithm each answer on a
    // kept-alive connection would wait for the client's delayed ACK (~40 ms).
    server.set_tcp_nodelay(true);
    const int threads = options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  }
};

HttpServer::HttpServer(Service& service, HttpOptions options)
    // A shared_ptr that owns nothing: the caller keeps the service alive.
    : HttpServer([s = std::shared_ptr<Service>(std::shared_ptr<Service>(), &service)] { return s; }, std::move(options)) {}

HttpServer::HttpServer(std::function<std::shared_ptr<Service>()> current, HttpOptions options)
    : impl_(std::make_unique<Impl>(std::move(current), std::move(options))) {
  impl_->register_routes();
}
HttpServer::~HttpServer() = default;

bool HttpServer::is_running() const { return impl_->server.is_running(); }

Result<int> HttpServer::bind() {
  const auto& o = impl_->options;
  int port = o.port;
  if (o.port == 0) {
    port = impl_->server.bind_to_any_port(o.host);
    if (port < 0) port = 0;
  } else if (!impl_->server.bind_to_port(o.host, o.port)) {
    port = 0;
  }
  if (port <= 0) return fail("<command line>", 0, 0, "--listen", fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", o.host, o.port));
  return port;
}

void HttpServer::serve() { impl_->server.listen_after_bind(); }
void HttpServer::stop() { impl_->server.stop(); }

}  // namespace gpufleet::serve
