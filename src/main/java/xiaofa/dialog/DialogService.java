package xiaofa.dialog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import xiaofa.handoff.Areas;
import xiaofa.handoff.CaseView;
import xiaofa.handoff.HandoffService;
import xiaofa.handoff.NewCase;
import xiaofa.handoff.Outcome;
import xiaofa.handoff.Rating;
import xiaofa.knowledge.Category;
import xiaofa.knowledge.EntryType;
import xiaofa.knowledge.KnowledgeBase;
import xiaofa.knowledge.KnowledgeEntry;
import xiaofa.knowledge.KnowledgeService;
import xiaofa.knowledge.SearchHit;
import xiaofa.knowledge.SearchRequest;
import xiaofa.platform.AppConfig;
import xiaofa.platform.Database;
import xiaofa.platform.SqlStatements;
import xiaofa.platform.SqlTime;

/**
 * One conversation turn, whatever the channel: normalise, commands and multi-turn context, understanding (category,
 * urgency, dispute), then answer, offer "您是不是想问", or hand off to a person. While the resident has an open case
 * their messages go to it. Urgent messages get safety guidance at once and an urgent case. Every turn is logged for
 * the administrators (what residents ask, where xiaofa fails).
 */
public final class DialogService {
  private static final Logger log = LoggerFactory.getLogger(DialogService.class);
  private static final SqlStatements SQL = SqlStatements.load("/sql/dialog.sql");
  /** A hit this good is answered directly; between {@link SearchHit#ON_TOPIC} and this, the resident chooses. */
  public static final double ANSWER = 0.5;
  /** Nothing fits but the classifier is this sure it is a legal matter: a person takes it. */
  public static final double HANDOFF_CONFIDENCE = 0.6;
  private static final int SEARCH_HITS = 10;
  private static final DateTimeFormatter DUE = DateTimeFormatter.ofPattern("M月d日 HH:mm");

  /** What xiaofa understood of a text. */
  public record Understanding(Category category, double confidence, UrgencyDetector.Urgency urgency, boolean dispute, List<SearchHit> hits) {}

  /** What xiaofa does with a question once it has understood it ({@link #decide}); {@code COMMAND}: not a question. */
  public enum Decision {
    ANSWER,
    SUGGEST,
    HANDOFF,
    NO_ANSWER,
    URGENT,
    COMMAND
  }

  /**
   * What {@link #preview} found: the normalised text, the understanding (null for a command), the decision, the reply
   * a resident would read first and how many messages the whole answer takes.
   */
  public record Preview(String normalised, Understanding understanding, Decision decision, Reply reply, int pages) {}

  /** The classifier and composer built for one generation of the knowledge. */
  private record Brain(String hash, CategoryClassifier classifier, AnswerComposer composer) {}

  private final KnowledgeService knowledge;
  private final HandoffService handoff;
  private final Pool pool;
  private final Clock clock;
  private final AppConfig.Handoff config;
  private final WorkerExecutor trainer;
  private volatile boolean stopping;
  private Future<UrgencyModel> urgencyTraining = Future.succeededFuture();
  private final Cache<String, Session> sessions;
  private final UrgencyDetector urgency = new UrgencyDetector();
  private final DisputeDetector disputes = new DisputeDetector();
  private final AtomicReference<Brain> brain = new AtomicReference<>();
  private final AtomicReference<Future<Brain>> training = new AtomicReference<>();
  /** Trained after the dialog is ready (it embeds a few thousand examples); until then the rules decide alone. */
  private final AtomicReference<UrgencyModel> urgencyModel = new AtomicReference<>();

  private final MeterRegistry metrics;

  public DialogService(Vertx vertx, KnowledgeService knowledge, HandoffService handoff, Pool pool, Clock clock, AppConfig.Handoff config, MeterRegistry metrics) {
    this.metrics = metrics;
    this.knowledge = knowledge;
    this.handoff = handoff;
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.trainer = vertx.createSharedWorkerExecutor("xiaofa-dialog-train", 1);
    this.sessions = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(config.session()).build();
  }

  /** Trains the classifier on the live knowledge; completes when the dialog can answer. */
  public Future<Void> start() {
    return brain().onSuccess(b -> trainUrgency()).mapEmpty();
  }

  private void trainUrgency() {
    Optional<KnowledgeBase> kb = knowledge.live();
    Optional<xiaofa.knowledge.Embedder> embedder = knowledge.embedder();
    if (kb.isEmpty() || embedder.isEmpty() || kb.get().urgencyExamples().isEmpty()) {
      log.info("urgency: rules only (no embedding model or no examples)");
      return;
    }
    urgencyTraining = trainer.executeBlocking(() -> {
      long t0 = System.nanoTime();
      List<String> routing = kb.get().routingExamples().stream().map(e -> TextNormaliser.normalise(e.text())).toList();
      UrgencyModel m = UrgencyModel.train(kb.get().urgencyExamples(), routing, texts -> texts.stream().map(t -> {
        if (stopping) {
          throw new java.util.concurrent.CancellationException("the service is stopping");
        }
        return embedder.get().embedQuery(t);
      }).toList());
      log.info("urgency model trained on {} examples in {} ms", kb.get().urgencyExamples().size() + routing.size(), (System.nanoTime() - t0) / 1_000_000);
      return m;
    }).onSuccess(urgencyModel::set).onFailure(e -> {
      if (!stopping) {
        log.error("training the urgency model failed; rules decide alone", e);
      }
    });
  }

  /** The rules' verdict, joined by the embedding model's when it is trained and the vector is at hand. */
  private Future<UrgencyDetector.Urgency> urgencyOf(String normalised) {
    UrgencyDetector.Urgency byRules = urgency.detect(normalised);
    UrgencyModel model = urgencyModel.get();
    if (model == null) {
      return Future.succeededFuture(byRules);
    }
    return knowledge.embed(normalised).map(v -> {
      Optional<UrgencyDetector.Kind> kind = v.flatMap(x -> model.urgentKind(x, UrgencyModel.THRESHOLD));
      if (kind.isEmpty() || byRules.kinds().contains(kind.get())) {
        return byRules;
      }
      Set<UrgencyDetector.Kind> kinds = EnumSet.noneOf(UrgencyDetector.Kind.class);
      kinds.addAll(byRules.kinds());
      kinds.add(kind.get());
      return new UrgencyDetector.Urgency(true, Set.copyOf(kinds), UrgencyDetector.guidanceFor(kinds));
    }).otherwise(byRules);
  }

  public boolean isReady() {
    return brain.get() != null;
  }

  /** Stops a training still under way (it gives up at its next example) before closing the training thread. */
  public Future<Void> stop() {
    stopping = true;
    return urgencyTraining.transform(ar -> trainer.close());
  }

  /** The brain for the live knowledge, retrained (once, off the event loop) when the knowledge changed. */
  private Future<Brain> brain() {
    Optional<KnowledgeBase> kb = knowledge.live();
    Brain current = brain.get();
    if (kb.isEmpty()) {
      return current != null ? Future.succeededFuture(current) : Future.failedFuture(xiaofa.platform.ApiException.unavailable("index_loading", "知识库正在加载，请稍后再试。"));
    }
    if (current != null && current.hash().equals(kb.get().contentHash())) {
      return Future.succeededFuture(current);
    }
    Future<Brain> running = training.get();
    if (running == null || running.isComplete()) {
      KnowledgeBase k = kb.get();
      Future<Brain> next = trainer.executeBlocking(() -> train(k));
      if (training.compareAndSet(running, next)) {
        next.onSuccess(brain::set).onFailure(e -> log.error("training the classifier failed", e));
        running = next;
      } else {
        running = training.get();
      }
    }
    // keep answering with the previous brain while the new one trains
    return current != null ? Future.succeededFuture(current) : running;
  }

  private Brain train(KnowledgeBase kb) {
    long t0 = System.nanoTime();
    CategoryClassifier classifier = CategoryClassifier.train(kb);
    Set<String> laws = new HashSet<>();
    for (KnowledgeEntry e : kb.entries()) {
      if (e.type() == EntryType.LAW) {
        laws.add(KnowledgeEntry.shortLawTitle(e.law()));
      }
    }
    log.info("dialog ready: classifier trained on {} entries and {} routing examples in {} ms", kb.entries().size(), kb.routingExamples().size(), (System.nanoTime() - t0) / 1_000_000);
    return new Brain(kb.contentHash(), classifier, new AnswerComposer(knowledge::entry, laws));
  }

  // ---------------------------------------------------------------- understanding

  /** Category, confidence, urgency and the hits for a text, with no side effects (GET /api/classify). */
  public Future<Understanding> understand(String text) {
    String normalised = TextNormaliser.normalise(text);
    return brain().compose(b -> understand(b, normalised));
  }

  private Future<Understanding> understand(Brain b, String normalised) {
    String query = normalised.codePointCount(0, normalised.length()) > SearchRequest.MAX_QUERY_LENGTH
        ? normalised.substring(0, normalised.offsetByCodePoints(0, SearchRequest.MAX_QUERY_LENGTH))
        : normalised;
    return knowledge.search(SearchRequest.of(query, SEARCH_HITS).withoutSnippets()).compose(result -> urgencyOf(query).map(u -> {
      CategoryClassifier.Prediction p = b.classifier().classify(normalised, result.hits());
      return new Understanding(p.category(), p.confidence(), u, disputes.isDispute(normalised), result.hits());
    }));
  }

  /**
   * The confidence gate: urgent first, then a hit of at least {@link #ANSWER} is answered, an on-topic hit ({@link
   * SearchHit#ON_TOPIC}) is offered among suggestions, a dispute or a confident category goes to a person
   * ({@link #HANDOFF_CONFIDENCE}), and anything else gets no answer.
   */
  public static Decision decide(Understanding u) {
    if (u.urgency().urgent()) {
      return Decision.URGENT;
    }
    List<SearchHit> onTopic = onTopic(u);
    if (!onTopic.isEmpty()) {
      return onTopic.get(0).score() >= ANSWER ? Decision.ANSWER : Decision.SUGGEST;
    }
    return u.dispute() || u.confidence() >= HANDOFF_CONFIDENCE ? Decision.HANDOFF : Decision.NO_ANSWER;
  }

  private static List<SearchHit> onTopic(Understanding u) {
    return u.hits().stream().filter(h -> h.score() >= SearchHit.ON_TOPIC).toList();
  }

  /**
   * What xiaofa would answer to {@code text} as the first message of a new conversation, without doing it: no turn
   * is logged, no case opened, no session touched (the administrators' "what would xiaofa answer" box). Where a turn
   * would open a case, the reply says what would happen instead.
   */
  public Future<Preview> preview(String text) {
    String normalised = TextNormaliser.normalise(text);
    if (normalised.isEmpty()) {
      return Future.succeededFuture(new Preview(normalised, null, Decision.NO_ANSWER, plain(Texts.EMPTY, Set.of()), 1));
    }
    Optional<Command> command = Command.parse(normalised);
    if (command.isPresent()) {
      String reply = switch (command.get().kind()) {
        case GREETING -> Texts.GREETING;
        case THANKS -> Texts.THANKS;
        case HELP -> Texts.HELP;
        default -> "（这是指令，不是问题：小法会按指令“" + normalised + "”处理，例如转人工、查询进度、评价、选择序号，而不检索知识库。）";
      };
      return Future.succeededFuture(new Preview(normalised, null, Decision.COMMAND, plain(reply, Set.of()), 1));
    }
    return brain().compose(b -> understand(b, normalised).map(u -> preview(b, normalised, u)));
  }

  private Preview preview(Brain b, String normalised, Understanding u) {
    List<SearchHit> onTopic = onTopic(u);
    Decision decision = decide(u);
    switch (decision) {
      case URGENT: {
        Category category = u.confidence() >= URGENT_ROUTING_CONFIDENCE ? u.category() : categoryOf(u.urgency().kinds());
        String text = "【紧急】" + u.urgency().guidance() + "\n\n（对话中：小法会立即为居民登记紧急事项（" + category.label() + "），" + config.urgentSla().toMinutes() + " 分钟内由顾问首次回复。）";
        return new Preview(normalised, u, decision, new Reply(text, category, u.confidence(), true, List.of(), List.of(), Set.of(), null), 1);
      }
      case ANSWER: {
        SearchHit top = onTopic.get(0);
        Optional<KnowledgeEntry> entry = knowledge.entry(top.id());
        if (entry.isPresent()) {
          Answer a = answerText(b, u, entry.get(), suggestions(onTopic.subList(1, onTopic.size()), top.id(), 2));
          return new Preview(normalised, u, decision, new Reply(a.pages().get(0), u.category(), u.confidence(), false, a.cites(), a.related(), a.actions(), null),
              a.pages().size());
        }
        return new Preview(normalised, u, Decision.NO_ANSWER, plain(Texts.NO_ANSWER + Texts.OFFER_HANDOFF, Set.of(Reply.Action.HANDOFF)), 1);
      }
      case SUGGEST: {
        List<Reply.Suggestion> items = suggestions(onTopic, null, 3);
        return new Preview(normalised, u, decision, new Reply(suggestText(items), u.category(), u.confidence(), false, List.of(), items,
            Set.of(Reply.Action.HANDOFF), null), 1);
      }
      case HANDOFF: {
        String text = "（对话中：这件事需要法律顾问，小法会为居民登记事项（" + u.category().label() + "），分派给负责的顾问，并告诉居民事项编号和首次回复时间。）";
        return new Preview(normalised, u, decision, new Reply(text, u.category(), u.confidence(), false, List.of(), List.of(), Set.of(), null), 1);
      }
      default:
        return new Preview(normalised, u, decision, new Reply(NO_ANSWER_TEXT, u.category(), u.confidence(), false, List.of(), List.of(),
            Set.of(Reply.Action.HANDOFF), null), 1);
    }
  }

  // ---------------------------------------------------------------- a turn

  /** Handles one message and answers it. */
  public Future<Reply> handle(Inbound in) {
    return turn(in, false);
  }

  /**
   * Answers like {@link #handle} — the same answers, citations, suggestions, paging and urgency guidance — but only
   * looks things up: it never opens, continues, rates or withdraws a case. Where {@code handle} would hand the matter
   * to a person, the reply says so and offers {@link Reply.Action#HANDOFF}; the channel then reports the case itself
   * (the field app, whose grid worker asks on a resident's behalf and reports with the resident's contact).
   */
  public Future<Reply> lookup(Inbound in) {
    return turn(in, true);
  }

  private Future<Reply> turn(Inbound in, boolean lookup) {
    String text = TextNormaliser.normalise(in.text());
    Session session = sessions.get(in.channel() + ":" + in.userRef(), k -> new Session());
    noteArea(in, text, session);
    if (text.isEmpty()) {
      return Future.succeededFuture(plain(Texts.EMPTY, Set.of()));
    }
    Optional<Command> command = Command.parse(text);
    Future<Optional<CaseView>> openCase = lookup ? Future.succeededFuture(Optional.empty()) : handoff.openCaseOf(in.channel(), in.userRef());
    return brain().compose(b -> openCase.compose(open -> {
      Turn turn = new Turn(in, text, session, b, open.orElse(null), lookup);
      Future<Reply> reply = command.isPresent() ? command(turn, command.get()) : message(turn);
      return reply.andThen(ar -> {
        if (ar.succeeded()) {
          session.heard("resident", in.text());
          session.heard("xiaofa", ar.result().text());
        }
      });
    }));
  }

  /** Everything one turn needs. */
  private record Turn(Inbound in, String text, Session session, Brain brain, CaseView open, boolean lookup) {}

  private void noteArea(Inbound in, String text, Session session) {
    Areas areas = handoff.areas();
    String given = in.meta().get("area");
    if (given != null && areas.byCode(given).isPresent()) {
      session.area = given;
    } else if (in.location().isPresent()) {
      areas.nearest(in.location().get().lat(), in.location().get().lon()).ifPresent(a -> session.area = a.gridCode());
    } else {
      areas.mentionedIn(text).ifPresent(a -> session.area = a.gridCode());
    }
  }

  private Future<Reply> command(Turn t, Command c) {
    Session s = t.session();
    switch (c.kind()) {
      case HELP:
        return done(t, Texts.HELP + caseLine(t.open()), "command", Set.of());
      case GREETING:
        return done(t, Texts.GREETING, "command", Set.of());
      case THANKS:
        return done(t, Texts.THANKS, "command", Set.of());
      case PROGRESS:
        return t.lookup() ? done(t, Texts.LOOKUP_ONLY, "command", Set.of()) : progress(t);
      case RATE:
        return t.lookup() ? done(t, Texts.LOOKUP_ONLY, "command", Set.of()) : rate(t, Integer.parseInt(c.arg()));
      case MORE: {
        String page;
        synchronized (s) {
          page = s.morePages.pollFirst();
        }
        if (page != null) {
          return done(t, page, "command", s.morePages.isEmpty() ? Set.of() : Set.of(Reply.Action.MORE));
        }
        if (!s.suggestions.isEmpty()) {
          return done(t, "还可以看看：\n" + list(s.suggestions) + Texts.PICK_HINT, "command", Set.of());
        }
        return done(t, Texts.NO_MORE, "command", Set.of(Reply.Action.HANDOFF));
      }
      case DETAIL:
        if (s.lastEntryId != null) {
          return answerEntry(t, s.lastEntryId, true);
        }
        if (!s.suggestions.isEmpty()) {
          return answerEntry(t, s.suggestions.get(0).id(), false);
        }
        return done(t, Texts.NOTHING_TO_PICK, "command", Set.of());
      case PICK: {
        int n = Integer.parseInt(c.arg());
        Optional<Reply.Suggestion> picked = s.suggestions.stream().filter(x -> x.n() == n).findFirst();
        if (picked.isPresent()) {
          return answerEntry(t, picked.get().id(), false);
        }
        if (n <= 5 && t.open() == null && !t.lookup()) {
          // a bare number after a rating request
          return handoff.rate(t.in().channel(), t.in().userRef(), n).compose(r -> r.isPresent()
              ? rated(t, r.get(), n)
              : done(t, Texts.NOTHING_TO_PICK, "command", Set.of()));
        }
        return t.open() != null ? caseMessage(t) : done(t, Texts.NOTHING_TO_PICK, "command", Set.of());
      }
      case CANCEL:
        s.flow = Session.Flow.NONE;
        if (t.open() != null) {
          return done(t, "您的事项 " + t.open().id() + " 仍在办理中。如果问题已经解决、不再需要顾问，请回复“撤回事项”。", "command", Set.of());
        }
        return done(t, Texts.CANCELLED, "command", Set.of());
      case WITHDRAW:
        if (t.lookup()) {
          return done(t, Texts.LOOKUP_ONLY, "command", Set.of());
        }
        if (t.open() == null) {
          return done(t, Texts.NO_CASES, "command", Set.of());
        }
        return handoff.close(t.open().id(), "resident", Outcome.WITHDRAWN, "居民撤回")
            .compose(closed -> logged(t, new Reply("已为您撤回事项 " + closed.id() + "。以后有需要随时找我。", closed.category(), 1.0, false, List.of(),
                List.of(), Set.of(), ref(closed)), "command", null, null, closed.id()));
      case HANDOFF:
        if (t.open() != null) {
          return done(t, "您的事项 " + t.open().id() + " 正由" + advisorText(t.open()) + "办理，您发来的消息会直接转过去。" + (c.arg().isEmpty() ? "" : "刚才的内容已经补充到事项中。"), "case_message", Set.of())
              .compose(r -> c.arg().isEmpty() ? Future.succeededFuture(r) : handoff.residentMessage(t.open().id(), c.arg(), false).map(r));
        }
        if (t.lookup() && c.arg().isEmpty() && t.session().lastQuestion == null) {
          return referral(t, null, 0);
        }
        return handOff(t, c.arg());
      default:
        return message(t);
    }
  }

  /** A message that is not a command. */
  private Future<Reply> message(Turn t) {
    if (t.open() != null) {
      return caseMessage(t);
    }
    if (t.session().flow == Session.Flow.AWAIT_HANDOFF_DETAIL) {
      t.session().flow = Session.Flow.NONE;
      return handOff(t, t.text());
    }
    return question(t);
  }

  private Future<Reply> question(Turn t) {
    Session s = t.session();
    return understand(t.brain(), t.text()).compose(u -> {
      s.lastQuestion = t.text();
      s.lastCategory = u.category();
      s.lastConfidence = u.confidence();
      List<SearchHit> onTopic = onTopic(u);
      switch (decide(u)) {
        case URGENT:
          return urgentCase(t, u);
        case ANSWER: {
          SearchHit top = onTopic.get(0);
          List<Reply.Suggestion> related = suggestions(onTopic.subList(1, onTopic.size()), top.id(), 2);
          return answer(t, u, top, related);
        }
        case SUGGEST: {
          List<Reply.Suggestion> items = suggestions(onTopic, null, 3);
          s.offer(items);
          s.lastEntryId = null;
          return logged(t, new Reply(suggestText(items), u.category(), u.confidence(), false, List.of(), items, Set.of(Reply.Action.HANDOFF), null), "suggested", null,
              onTopic.get(0).score(), null);
        }
        case HANDOFF:
          return handOff(t, t.text(), u);
        default:
          return logged(t, new Reply(NO_ANSWER_TEXT, u.category(), u.confidence(), false, List.of(), List.of(), Set.of(Reply.Action.HANDOFF), null), "no_answer", null,
              u.hits().isEmpty() ? null : u.hits().get(0).score(), null);
      }
    });
  }

  private static final String NO_ANSWER_TEXT = Texts.NO_ANSWER + "您可以换个说法，比如说清楚是什么事、和谁发生的。\n" + Texts.OFFER_HANDOFF;

  private static String suggestText(List<Reply.Suggestion> items) {
    return Texts.UNSURE + "\n" + list(items) + Texts.PICK_HINT + "\n如果都不是，回复“转人工”由法律顾问解答。";
  }

  /** An answer from an entry, split into messages, with what it cites, the related questions and what may follow. */
  private record Answer(List<String> pages, List<Reply.Cite> cites, List<Reply.Suggestion> related, Set<Reply.Action> actions) {}

  private static Answer answerText(Brain b, Understanding u, KnowledgeEntry entry, List<Reply.Suggestion> related) {
    AnswerComposer.Composed composed = b.composer().compose(entry, u.category());
    StringBuilder text = new StringBuilder(composed.text());
    Set<Reply.Action> actions = EnumSet.noneOf(Reply.Action.class);
    if (u.dispute()) {
      text.append("\n\n这件事涉及和对方的纠纷，可以请法律顾问帮您出主意、组织调解。回复“转人工”即可。");
      actions.add(Reply.Action.HANDOFF);
    }
    if (!related.isEmpty()) {
      text.append("\n\n相关问题：\n").append(list(related)).append("回复序号查看。");
    }
    List<String> pages = Pages.split(text.toString());
    if (pages.size() > 1) {
      actions.add(Reply.Action.MORE);
    }
    return new Answer(pages, composed.cites(), related, actions);
  }

  private Future<Reply> answer(Turn t, Understanding u, SearchHit top, List<Reply.Suggestion> related) {
    Session s = t.session();
    Optional<KnowledgeEntry> entry = knowledge.entry(top.id());
    if (entry.isEmpty()) {
      return done(t, Texts.NO_ANSWER + Texts.OFFER_HANDOFF, "no_answer", Set.of(Reply.Action.HANDOFF));
    }
    Answer a = answerText(t.brain(), u, entry.get(), related);
    List<String> pages = a.pages();
    s.pages(pages.subList(1, pages.size()));
    s.offer(related);
    s.lastEntryId = top.id();
    Reply r = new Reply(pages.get(0), u.category(), u.confidence(), false, a.cites(), related, a.actions(), null);
    return logged(t, r, "answered", top.id(), top.score(), null);
  }

  /** The entry a resident picked, or the whole of the last answer ("详细说说"). */
  private Future<Reply> answerEntry(Turn t, String id, boolean full) {
    Session s = t.session();
    Optional<KnowledgeEntry> entry = knowledge.entry(id);
    if (entry.isEmpty()) {
      return done(t, Texts.NOTHING_TO_PICK, "command", Set.of());
    }
    Category category = s.lastCategory;
    AnswerComposer.Composed composed = t.brain().composer().compose(entry.get(), category);
    String text = full && entry.get().type() != EntryType.POWER ? "【" + entry.get().title() + "】\n" + AnswerComposer.plain(entry.get().body()) : composed.text();
    List<String> pages = Pages.split(text);
    s.pages(pages.subList(1, pages.size()));
    s.lastEntryId = id;
    if (!full) {
      s.offer(s.suggestions.stream().filter(x -> !x.id().equals(id)).toList());
    }
    Set<Reply.Action> actions = pages.size() > 1 ? Set.of(Reply.Action.MORE) : Set.of();
    Reply r = new Reply(pages.get(0), category, s.lastConfidence, false, composed.cites(), List.of(), actions, null);
    return logged(t, r, "answered", id, null, null);
  }

  /** Below this confidence an urgent case is routed by the kind of emergency rather than by the classifier. */
  static final double URGENT_ROUTING_CONFIDENCE = 0.5;

  private Future<Reply> urgentCase(Turn t, Understanding u) {
    Category category = u.confidence() >= URGENT_ROUTING_CONFIDENCE ? u.category() : categoryOf(u.urgency().kinds());
    if (t.lookup()) {
      Reply r = new Reply("【紧急】" + u.urgency().guidance() + "\n\n" + Texts.LOOKUP_URGENT, category, u.confidence(), true, List.of(), List.of(),
          Set.of(Reply.Action.HANDOFF), null);
      return logged(t, r, "urgent", null, null, null);
    }
    NewCase nc = new NewCase(t.in().channel(), t.in().userRef(), category, true, t.session().area, t.text(), t.session().transcript());
    return handoff.open(nc).compose(c -> {
      String text = "【紧急】" + u.urgency().guidance() + "\n\n已为您登记紧急事项 " + c.id() + "，" + assignedText(c) + "请保持电话畅通，注意安全。";
      Reply r = new Reply(text, category, u.confidence(), true, List.of(), List.of(), Set.of(), ref(c));
      return logged(t, r, "urgent", null, null, c.id());
    });
  }

  /** Opens a case for the resident's matter ({@code detail}, or the last question). */
  private Future<Reply> handOff(Turn t, String detail) {
    Session s = t.session();
    if (!detail.isBlank()) {
      return understand(t.brain(), TextNormaliser.normalise(detail)).compose(u -> {
        s.lastQuestion = detail;
        s.lastCategory = u.category();
        s.lastConfidence = u.confidence();
        return u.urgency().urgent() ? urgentCase(t, u) : handOff(t, detail, u);
      });
    }
    if (s.lastQuestion == null) {
      s.flow = Session.Flow.AWAIT_HANDOFF_DETAIL;
      return done(t, Texts.ASK_DETAIL, "command", Set.of(Reply.Action.CANCEL));
    }
    NewCase nc = new NewCase(t.in().channel(), t.in().userRef(), s.lastCategory, false, s.area, s.lastQuestion, s.transcript());
    return opened(t, nc, s.lastConfidence);
  }

  private Future<Reply> handOff(Turn t, String summary, Understanding u) {
    NewCase nc = new NewCase(t.in().channel(), t.in().userRef(), u.category(), false, t.session().area, summary, t.session().transcript());
    return opened(t, nc, u.confidence());
  }

  private Future<Reply> opened(Turn t, NewCase nc, double confidence) {
    t.session().flow = Session.Flow.NONE;
    if (t.lookup()) {
      return referral(t, nc.category(), confidence);
    }
    return handoff.open(nc).compose(c -> {
      String text = "已为您转接" + (c.advisorId() == null ? "法律服务人员" : advisorText(c)) + "，事项编号 " + c.id() + "（" + nc.category().label() + "）。"
          + assignedText(c) + "回复会直接发到这里；您可以继续补充情况，回复“查询进度”查看办理情况。";
      Reply r = new Reply(text, nc.category(), confidence, false, List.of(), List.of(), Set.of(), ref(c));
      return logged(t, r, "handoff", null, null, c.id());
    });
  }

  /** In a lookup, where a case would open: the matter needs a person, and the channel reports it. */
  private Future<Reply> referral(Turn t, Category category, double confidence) {
    String text = "这件事需要法律顾问跟进" + (category == null ? "" : "（" + category.label() + "）") + "。" + Texts.LOOKUP_HANDOFF;
    return logged(t, new Reply(text, category, confidence, false, List.of(), List.of(), Set.of(Reply.Action.HANDOFF), null), "handoff_offered", null, null, null);
  }

  private Future<Reply> caseMessage(Turn t) {
    return urgencyOf(t.text()).compose(u -> caseMessage(t, u));
  }

  private Future<Reply> caseMessage(Turn t, UrgencyDetector.Urgency u) {
    return handoff.residentMessage(t.open().id(), t.in().text(), u.urgent()).compose(c -> {
      String text = u.urgent()
          ? "【紧急】" + u.guidance() + "\n\n已把您的事项 " + c.id() + " 标为紧急，" + advisorText(c) + "会尽快联系您。"
          : "已把您的消息补充到事项 " + c.id() + "，" + advisorText(c) + "会在这里回复您。回复“查询进度”查看办理情况。";
      Reply r = new Reply(text, c.category(), 1.0, u.urgent(), List.of(), List.of(), Set.of(), ref(c));
      return logged(t, r, "case_message", null, null, c.id());
    });
  }

  private Future<Reply> progress(Turn t) {
    return handoff.casesOf(t.in().channel(), t.in().userRef(), 5).compose(cases -> {
      if (cases.isEmpty()) {
        return done(t, Texts.NO_CASES, "command", Set.of(Reply.Action.HANDOFF));
      }
      StringBuilder sb = new StringBuilder("您的事项：\n");
      boolean rateable = false;
      for (CaseView c : cases) {
        sb.append("· ").append(c.id()).append(" ").append(c.category().label()).append("：").append(c.status().label());
        if (c.advisorName() != null) {
          sb.append("（").append(c.advisorRole().label()).append(c.advisorName()).append("）");
        }
        if (c.rating() != null) {
          sb.append("，已评价“").append(Rating.label(c.rating())).append("”");
        } else if (!c.status().isOpen()) {
          rateable = true;
        }
        sb.append('\n');
      }
      if (rateable) {
        sb.append("办结的事项还没有评价，回复“评价5”到“评价1”即可评价。");
      }
      CaseView latest = cases.get(0);
      Reply r = new Reply(sb.toString().strip(), null, 0, false, List.of(), List.of(), rateable ? Set.of(Reply.Action.RATE) : Set.of(),
          latest.status().isOpen() ? ref(latest) : null);
      return logged(t, r, "command", null, null, latest.id());
    });
  }

  private Future<Reply> rate(Turn t, int score) {
    return handoff.rate(t.in().channel(), t.in().userRef(), score)
        .compose(r -> r.isPresent() ? rated(t, r.get(), score) : done(t, Texts.NOTHING_TO_RATE, "command", Set.of()));
  }

  private Future<Reply> rated(Turn t, CaseView c, int score) {
    String text = "感谢您对事项 " + c.id() + " 的评价（" + Rating.label(score) + "）！"
        + (Rating.needsFollowUp(score) ? "很抱歉没有让您满意，工作人员会在三个工作日内回访您，了解问题并改进。" : "祝您生活顺利。");
    return logged(t, new Reply(text, c.category(), 1.0, false, List.of(), List.of(), Set.of(), null), "rated", null, null, c.id());
  }

  // ---------------------------------------------------------------- helpers

  /** Who should take an emergency the classifier is unsure about: by its most serious kind. */
  static Category categoryOf(Set<UrgencyDetector.Kind> kinds) {
    for (UrgencyDetector.Kind k : List.of(UrgencyDetector.Kind.DOMESTIC_VIOLENCE, UrgencyDetector.Kind.PERSON_AT_RISK, UrgencyDetector.Kind.DETAINED,
        UrgencyDetector.Kind.FRAUD_IN_PROGRESS, UrgencyDetector.Kind.VIOLENCE, UrgencyDetector.Kind.CROWD)) {
      if (kinds.contains(k)) {
        return switch (k) {
          case DOMESTIC_VIOLENCE, PERSON_AT_RISK -> Category.MARRIAGE_FAMILY;
          case VIOLENCE -> Category.TORT_INJURY;
          case DETAINED, FRAUD_IN_PROGRESS -> Category.CRIMINAL;
          case CROWD -> Category.ADMINISTRATIVE;
          default -> Category.GENERAL;
        };
      }
    }
    return Category.GENERAL;
  }

  private static List<Reply.Suggestion> suggestions(List<SearchHit> hits, String except, int max) {
    List<Reply.Suggestion> out = new ArrayList<>();
    Set<String> titles = new HashSet<>();
    for (SearchHit h : hits) {
      if (out.size() == max) {
        break;
      }
      if (h.id().equals(except) || !titles.add(h.title())) {
        continue;
      }
      String title = h.law() != null && h.article() != null
          ? "《" + KnowledgeEntry.shortLawTitle(h.law()) + "》第" + xiaofa.knowledge.ChineseNumerals.format(h.article()) + "条"
          : h.title();
      out.add(new Reply.Suggestion(out.size() + 1, h.id(), title));
    }
    return out;
  }

  private static String list(List<Reply.Suggestion> items) {
    StringBuilder sb = new StringBuilder();
    items.forEach(i -> sb.append(i.n()).append(". ").append(i.title()).append('\n'));
    return sb.toString();
  }

  private String assignedText(CaseView c) {
    if (c.advisorId() == null) {
      return "现在是非值班时间，工作人员上班后会尽快联系您。";
    }
    ZonedDateTime due = c.firstResponseDue().atZone(config.zone());
    return advisorText(c) + "会在 " + DUE.format(due) + " 前首次回复您。";
  }

  private static String advisorText(CaseView c) {
    return c.advisorName() == null ? "工作人员" : c.advisorRole().label() + c.advisorName();
  }

  private static String caseLine(CaseView open) {
    return open == null ? "" : "\n\n您有正在办理的事项 " + open.id() + "（" + open.status().label() + "），您发的消息会转给负责的顾问。";
  }

  private static Reply.CaseRef ref(CaseView c) {
    return new Reply.CaseRef(c.id(), c.status().id(), c.status().label(), c.advisorName(), c.advisorRole() == null ? null : c.advisorRole().label());
  }

  private static Reply plain(String text, Set<Reply.Action> actions) {
    return new Reply(text, null, 0, false, List.of(), List.of(), actions, null);
  }

  private Future<Reply> done(Turn t, String text, String outcome, Set<Reply.Action> actions) {
    Reply r = new Reply(text, null, 0, false, List.of(), List.of(), actions, t.open() == null ? null : ref(t.open()));
    return logged(t, r, outcome, null, null, t.open() == null ? null : t.open().id());
  }

  /**
   * Records the turn for the administrators before the reply goes out (so a reply implies its turn is logged); a
   * failure to record is logged and does not fail the reply.
   */
  private Future<Reply> logged(Turn t, Reply r, String outcome, String entryId, Double score, String caseId) {
    metrics.counter("xiaofa.turns", "channel", t.in().channel(), "outcome", outcome).increment();
    String text = t.in().text().length() > 2000 ? t.in().text().substring(0, 2000) : t.in().text();
    Tuple row = Tuple.tuple().addValue(SqlTime.param(Instant.now(clock))).addValue(t.in().channel()).addValue(t.in().userRef()).addValue(text)
        .addValue(r.category() == null ? null : r.category().id()).addValue(r.category() == null ? null : r.confidence()).addValue(r.urgent())
        .addValue(outcome).addValue(entryId).addValue(score).addValue(caseId);
    return Database.execute(pool, SQL.get("turn_insert"), row)
        .<Void>mapEmpty()
        .recover(e -> {
          log.warn("could not log a turn: {}", e.toString());
          return Future.succeededFuture();
        })
        .map(r);
  }
}
