package xiaofa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing accepted is lost when the process is killed: the service runs as a separate process on the embedded H2 file
 * database, residents open cases in a burst from several threads, the process gets SIGKILL in the middle of it, and
 * after a restart on the same data every case whose number a resident received is there.
 */
@DisplayName("Durability")
class DurabilityTest {
  private static final Pattern CASE_ID = Pattern.compile("\"case\":\\{\"id\":\"(XF-\\d{8}-\\d{4,})\"");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  @Timeout(240)
  @DisplayName("a kill -9 during a burst of new cases loses none of the cases residents were told about")
  void killDuringBurst() throws Exception {
    Path data = Files.createTempDirectory(Path.of("target"), "kill-test-");
    int port = freePort();
    Process first = start(data, port);
    Map<String, String> accepted = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    try {
      awaitReady(port, first);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread worker = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String user = "kill-" + thread + "-" + i;
            try {
              String body = post(port, user, "我要找律师，老板欠我两个月工资不给");
              Matcher m = CASE_ID.matcher(body);
              if (m.find()) {
                accepted.put(user, m.group(1));
              }
            } catch (IOException | InterruptedException e) {
              failures.incrementAndGet();
            }
          }
        });
        worker.start();
        threads.add(worker);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (accepted.size() < 40 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      first.destroyForcibly(); // SIGKILL, while the workers are still sending
      first.waitFor();
      stop.set(true);
      for (Thread w : threads) {
        w.join();
      }
    } finally {
      first.destroyForcibly();
    }
    assertTrue(accepted.size() >= 40, "the burst opened only " + accepted.size() + " cases");

    Process second = start(data, port);
    try {
      awaitReady(port, second);
      List<String> lost = new ArrayList<>();
      for (Map.Entry<String, String> e : accepted.entrySet()) {
        if (!post(port, e.getKey(), "查询进度").contains(e.getValue())) {
          lost.add(e.getValue());
        }
      }
      assertTrue(lost.isEmpty(), "lost after kill -9: " + lost + " of " + accepted.size());
      System.out.printf("kill -9 after %d accepted cases (%d requests cut off): none lost%n", accepted.size(), failures.get());
    } finally {
      second.destroyForcibly();
    }
  }

  private Process start(Path data, int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), "xiaofa.Main");
    pb.environment().put("XIAOFA_HTTP_PORT", Integer.toString(port));
    pb.environment().put("XIAOFA_HTTP_HOST", "127.0.0.1");
    pb.environment().put("XIAOFA_DATA_DIR", data.toAbsolutePath().toString());
    pb.environment().put("XIAOFA_KNOWLEDGE_DIR", Path.of("knowledge").toAbsolutePath().toString());
    pb.environment().put("XIAOFA_KNOWLEDGE_POLL_SECONDS", "0");
    pb.environment().put("XIAOFA_SEARCH_VECTORS", "false");
    pb.environment().put("XIAOFA_HTTP_INSTANCES", "2");
    pb.environment().remove("XIAOFA_DB_URL");
    pb.redirectErrorStream(true).redirectOutput(data.resolve("service-" + System.nanoTime() + ".log").toFile());
    return pb.start();
  }

  private void awaitReady(int port, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(p.isAlive(), "the service exited during start");
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not become ready");
  }

  private String post(int port, String user, String text) throws IOException, InterruptedException {
    String json = "{\"user\":\"" + user + "\",\"text\":\"" + text + "\"}";
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chat"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
