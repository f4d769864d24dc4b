package dev.gozo.gateway.compat.judge0;

import dev.gozo.jobspec.CommandTemplate;
import dev.gozo.jobspec.RuntimeCatalogue;
import dev.gozo.protocol.v1.Runtime;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judge0 CE's language ids for the runtimes we have, read from the catalogue ({@code judge0Ids},
 * {@code judge0Name}): a client's {@code language_id} keeps meaning the same language, while the
 * version is ours. Several Judge0 ids may name one runtime (Judge0 has four C compilers, we have
 * one); the listing shows each runtime once, under its first id.
 */
@Singleton
final class Judge0Languages {

  private final Map<Integer, Runtime> byId = new HashMap<>();
  private final List<Map<String, Object>> listed = new ArrayList<>();

  Judge0Languages(RuntimeCatalogue catalogue) {
    List<Runtime> served = new ArrayList<>();
    for (Runtime runtime : catalogue.runtimes()) {
      for (int id : runtime.getJudge0IdsList()) {
        // The catalogue lists the newest version of a language first: an id names that one.
        if (byId.putIfAbsent(id, runtime) == null && id == runtime.getJudge0Ids(0)) {
          served.add(runtime);
        }
      }
    }
    served.sort(Comparator.comparingInt(runtime -> runtime.getJudge0Ids(0)));
    served.forEach(runtime -> listed.add(view(runtime.getJudge0Ids(0), runtime)));
  }

  Optional<Runtime> runtime(int id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** {@code [{id, name}]} as {@code GET /languages} answers, by id. */
  List<Map<String, Object>> list() {
    return listed;
  }

  /** The id a result of {@code language} is shown with when the request's own id is not known. */
  Optional<Integer> idOf(String language) {
    return byId.entrySet().stream()
        .filter(entry -> entry.getValue().getLanguage().equals(language))
        .map(entry -> entry.getValue().getJudge0Ids(0))
        .findFirst();
  }

  static String name(Runtime runtime) {
    return runtime.getJudge0Name().replace("{version}", runtime.getVersion());
  }

  /** {@code {id, name}}, one entry of {@code GET /languages}. */
  static Map<String, Object> view(int id, Runtime runtime) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("name", name(runtime));
    return view;
  }

  /** What {@code GET /languages/{id}} adds to the entry: the file and commands it runs with. */
  static Map<String, Object> detail(int id, Runtime runtime) {
    Map<String, Object> detail = view(id, runtime);
    detail.put("is_archived", false);
    detail.put("source_file", runtime.getEntryFile());
    detail.put(
        "compile_cmd",
        runtime.getCompileCommand().isEmpty()
            ? null
            : CommandTemplate.render(runtime.getCompileCommand(), runtime.getEntryFile()));
    detail.put("run_cmd", CommandTemplate.render(runtime.getRunCommand(), runtime.getEntryFile()));
    return detail;
  }
}
