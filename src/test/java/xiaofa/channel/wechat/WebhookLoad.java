package xiaofa.channel.wechat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for {@code POST /wechat} on a running service configured with {@link Pushes}' token,
 * AppID and EncodingAESKey: real questions from the development set, each from its own follower, at a fixed rate,
 * signed (and in secure mode encrypted by WxJava) as WeChat sends them. Latency is measured from when each request
 * was due, not when it was sent, so a stalled server cannot hide its queue (no coordinated omission).
 *
 * <p>Usage: {@code WebhookLoad <base-url> <plain|secure> <rate/s> <seconds> [warm-up seconds]} (bench/wechat-load.sh).
 */
public final class WebhookLoad {
  private WebhookLoad() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    boolean secure = args[1].equals("secure");
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0; // optional: a quarter of the rate first, not reported
    List<String> questions = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of("../shared/data/legal-questions-dev.jsonl"))) {
      JsonNode q = json.readTree(line);
      String text = q.get("question").asText();
      questions.add(text.length() > 600 ? text.substring(0, 600) : text);
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    Pushes pushes = new Pushes();
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    if (warmup > 0) {
      System.out.printf("warm-up: %d s at %d/s%n", warmup, Math.max(1, rate / 4));
      phase(http, pushes, base, secure, Math.max(1, rate / 4), warmup, questions, run + "w", false);
    }
    phase(http, pushes, base, secure, rate, seconds, questions, run, true);
  }

  private static void phase(HttpClient http, Pushes pushes, String base, boolean secure, int rate, int seconds, List<String> questions, String run,
      boolean report) throws Exception {
    int n = rate * seconds;
    long[] latencies = new long[n];
    Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> pending = new ArrayList<>(n);
    long start = System.nanoTime() + 50_000_000;
    long periodNs = 1_000_000_000L / rate;
    for (int i = 0; i < n; i++) {
      long due = start + i * periodNs;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      String user = "oLoad" + run + "x" + i;
      long now = System.currentTimeMillis() / 1000;
      String xml = Pushes.text(user, questions.get(i % questions.size()).replace("]]>", ""), Pushes.nextMsgId(), now);
      Pushes.Request r = secure ? pushes.secure(xml, now, user) : Pushes.plain(xml, now, user);
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + r.uri())).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(r.body())).build();
      int k = i;
      pending.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((res, err) -> {
        latencies[k] = System.nanoTime() - due;
        String outcome;
        if (err != null) {
          outcome = "error " + err.getClass().getSimpleName();
        } else if (res.statusCode() != 200) {
          outcome = "HTTP " + res.statusCode();
        } else if (res.body().equals("success")) {
          outcome = "success (answer sent later)";
        } else if (secure) {
          outcome = res.body().contains("<Encrypt>") ? "encrypted passive reply" : "unexpected body";
        } else {
          outcome = res.body().contains("<MsgType><![CDATA[news]]>") ? "passive news card" : res.body().contains("<Content>") ? "passive text" : "unexpected body";
        }
        outcomes.computeIfAbsent(outcome, x -> new AtomicLong()).incrementAndGet();
        return null;
      }));
    }
    long sentAt = System.nanoTime();
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    if (!report) {
      return;
    }
    double offered = n / ((sentAt - start) / 1e9);
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    System.out.printf("%s mode: %d messages offered at %.1f/s over %d s%n", secure ? "secure" : "plaintext", n, offered, seconds);
    System.out.printf("latency from due time: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
        pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), pct(sorted, 0.999), sorted[n - 1] / 1e6);
    System.out.println("outcomes: " + outcomes);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}
