package xiaofa.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the knowledge sources from disk (or from the copy bundled in the jar) and the optional law corpus, merges the
 * knowledge administrators keep in the database ({@link AdminKnowledge}, read beforehand by the caller), and hashes it
 * all. Blocking: call it on the indexing thread.
 *
 * <p>Layout of the knowledge folder: {@code power-list/*.csv}, {@code disclosure/**.md}, {@code publicity/**.md},
 * {@code synonyms.txt}, {@code routing/*.txt} (labelled example questions for the category classifier; {@code routing/urgency.txt} for the urgency model); other files are not knowledge (the roster, README) and do not change the hash.
 */
public final class KnowledgeSources {
  /** Where {@code knowledge/} is bundled inside the jar. */
  static final String BUNDLED = "/bundled-knowledge";

  private final Optional<Path> knowledgeDir;
  private final Optional<Path> lawsDir;
  private final String salt;

  /**
   * @param knowledgeDir the folder, or empty for the bundled copy
   * @param lawsDir the law corpus, or empty for none
   * @param salt mixed into the hash: the index schema version and the embedding model, so that changing either
   *     rebuilds the index
   */
  public KnowledgeSources(Optional<Path> knowledgeDir, Optional<Path> lawsDir, String salt) {
    this.knowledgeDir = knowledgeDir;
    this.lawsDir = lawsDir;
    this.salt = salt;
  }

  /** Where the knowledge comes from, for the log. */
  public String describe() {
    return knowledgeDir.map(p -> p.toAbsolutePath().normalize().toString()).orElse("bundled copy in the jar")
        + lawsDir.map(p -> ", laws from " + p.toAbsolutePath().normalize()).orElse(", no law corpus");
  }

  /**
   * The content hash of the sources as they are now, without parsing them: cheap enough to poll. Equal to {@link
   * KnowledgeBase#contentHash()} of a {@link #load()} at the same moment.
   */
  public String contentHash() {
    return contentHash(AdminKnowledge.NONE);
  }

  /** The content hash of the files as they are now together with the console's knowledge {@code admin}. */
  public String contentHash(AdminKnowledge admin) {
    MessageDigest digest = sha256();
    digest.update(salt.getBytes(StandardCharsets.UTF_8));
    try (Root root = openKnowledge()) {
      for (SourceFile f : files(root.path(), "knowledge/")) {
        if (isKnowledge(f)) {
          f.hashInto(digest);
        }
      }
      if (lawsDir.isPresent()) {
        for (SourceFile f : files(lawsDir.get(), "laws/")) {
          if (isLaw(f)) {
            f.hashInto(digest);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read knowledge sources from " + describe(), e);
    }
    admin.hashInto(digest);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static boolean isKnowledge(SourceFile f) {
    String rel = f.name().substring("knowledge/".length());
    return rel.startsWith("power-list/") && rel.endsWith(".csv")
        || (rel.startsWith("disclosure/") || rel.startsWith("publicity/")) && rel.endsWith(".md") && !rel.endsWith("README.md")
        || rel.equals("synonyms.txt")
        || rel.startsWith("routing/") && rel.endsWith(".txt");
  }

  private static boolean isLaw(SourceFile f) {
    return f.name().endsWith(".md") && !f.name().endsWith("README.md");
  }

  /** Reads and parses everything. Problems in single files or lines are collected, never thrown. */
  public KnowledgeBase load() {
    return load(AdminKnowledge.NONE);
  }

  /**
   * Reads and parses the files merged with the console's knowledge: an imported power list replaces the files' power
   * list (the files still count in the hash); console entries are added.
   */
  public KnowledgeBase load(AdminKnowledge admin) {
    MessageDigest digest = sha256();
    digest.update(salt.getBytes(StandardCharsets.UTF_8));
    List<SourceProblem> problems = new ArrayList<>();
    List<KnowledgeEntry> entries = new ArrayList<>();
    Synonyms synonyms = Synonyms.empty();
    List<RoutingExample> examples = new ArrayList<>();
    List<UrgencyExample> urgency = new ArrayList<>();
    try (Root root = openKnowledge()) {
      for (SourceFile f : files(root.path(), "knowledge/")) {
        if (!isKnowledge(f)) {
          continue;
        }
        String rel = f.name().substring("knowledge/".length());
        f.hashInto(digest);
        String text = f.text(problems);
        if (text == null) {
          continue;
        }
        if (rel.startsWith("power-list/")) {
          if (admin.powerList().isEmpty()) {
            entries.addAll(PowerListParser.parse(f.name(), text, problems));
          }
        } else if (rel.startsWith("disclosure/")) {
          add(entries, MarkdownEntryParser.parse(f.name(), text, EntryType.DISCLOSURE, problems));
        } else if (rel.startsWith("publicity/")) {
          add(entries, MarkdownEntryParser.parse(f.name(), text, EntryType.PUBLICITY, problems));
        } else if (rel.equals(UrgencyExample.FILE)) {
          urgency.addAll(UrgencyExample.parse(f.name(), text, problems));
        } else if (rel.startsWith("routing/")) {
          examples.addAll(RoutingExample.parse(f.name(), text, problems));
        } else {
          synonyms = Synonyms.parse(f.name(), text, problems);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read knowledge sources from " + describe(), e);
    }
    if (lawsDir.isPresent()) {
      try {
        for (SourceFile f : files(lawsDir.get(), "laws/")) {
          if (!isLaw(f)) {
            continue;
          }
          f.hashInto(digest);
          String text = f.text(problems);
          if (text != null) {
            entries.addAll(LawParser.parse(f.name(), text, problems));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the law corpus " + lawsDir.get(), e);
      }
    }
    admin.powerList().ifPresent(p -> entries.addAll(PowerListParser.entries(p.source(), p.rows(), problems)));
    entries.addAll(admin.knowledgeEntries(problems));
    admin.hashInto(digest);
    List<KnowledgeEntry> unique = new ArrayList<>();
    Map<String, String> firstSource = new java.util.HashMap<>();
    for (KnowledgeEntry e : entries) {
      String prev = firstSource.putIfAbsent(e.id(), e.source());
      if (prev == null) {
        unique.add(e);
      } else {
        String[] at = e.source().split(":(?=\\d+$)");
        problems.add(new SourceProblem(at[0], at.length > 1 ? Integer.parseInt(at[1]) : 0, "编号 " + e.id() + " 与 " + prev + " 重复，已跳过"));
      }
    }
    return new KnowledgeBase(unique, synonyms, examples, urgency, problems, HexFormat.of().formatHex(digest.digest()));
  }

  private static void add(List<KnowledgeEntry> entries, KnowledgeEntry e) {
    if (e != null) {
      entries.add(e);
    }
  }

  /**
   * A file of the knowledge folder that is not indexed knowledge (the areas, the advisors' roster), as UTF-8 text;
   * empty when it does not exist. Blocking.
   */
  public Optional<String> readFile(String relativePath) {
    try (Root root = openKnowledge()) {
      Path p = root.path().resolve(relativePath);
      return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relativePath + " from " + describe(), e);
    }
  }

  /** A file under a root, named for reports as {@code prefix + relative path} with forward slashes. */
  private record SourceFile(Path path, String name) {
    void hashInto(MessageDigest digest) throws IOException {
      digest.update(name.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Files.readAllBytes(path));
      digest.update((byte) 0);
    }

    String text(List<SourceProblem> problems) throws IOException {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
            .toString();
      } catch (CharacterCodingException e) {
        problems.add(new SourceProblem(name, 0, "文件不是 UTF-8 编码，已跳过"));
        return null;
      }
    }
  }

  private static List<SourceFile> files(Path root, String prefix) throws IOException {
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile)
          .forEach(p -> {
            String rel = root.relativize(p).toString().replace('\\', '/');
            if (rel.startsWith("/")) {
              rel = rel.substring(1);
            }
            out.add(new SourceFile(p, prefix + rel));
          });
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /** The knowledge folder, possibly inside the jar's file system, closed after reading. */
  private record Root(Path path, FileSystem fs) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (fs != null) {
        fs.close();
      }
    }
  }

  private Root openKnowledge() throws IOException {
    if (knowledgeDir.isPresent()) {
      return new Root(knowledgeDir.get(), null);
    }
    URL url = KnowledgeSources.class.getResource(BUNDLED + "/README.md");
    if (url == null) {
      throw new IOException("no knowledge folder given and none bundled in the jar");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        String s = uri.toString();
        FileSystem fs = FileSystems.newFileSystem(URI.create(s.substring(0, s.indexOf("!/"))), Map.of());
        return new Root(fs.getPath(BUNDLED), fs);
      }
      return new Root(Path.of(uri).getParent(), null);
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
