package dev.gozo.gateway.compat.judge0;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.json.JsonMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judge0's descriptive endpoints: {@code /languages}, {@code /languages/{id}}, {@code /statuses}
 * and {@code /about}. Public, like {@code /v1/runtimes}: they say nothing about anyone's jobs.
 */
@Controller("/judge0")
final class Judge0InfoController {

  /** The Judge0 CE API version whose contract this follows; clients may check it. */
  static final String JUDGE0_VERSION = "1.13.1";

  private final Judge0Languages languages;
  private final JsonMapper json;

  Judge0InfoController(Judge0Languages languages, JsonMapper json) {
    this.languages = languages;
    this.json = json;
  }

  @Get("/languages")
  HttpResponse<String> languages() {
    return Judge0Json.respond(json, HttpStatus.OK, languages.list());
  }

  @Get("/languages/{id}")
  HttpResponse<String> language(@PathVariable("id") String id) {
    try {
      int number = Integer.parseInt(id);
      return languages
          .runtime(number)
          .map(
              runtime ->
                  Judge0Json.respond(json, HttpStatus.OK, Judge0Languages.detail(number, runtime)))
          .orElseGet(this::notFound);
    } catch (NumberFormatException e) {
      return notFound();
    }
  }

  @Get("/statuses")
  HttpResponse<String> statuses() {
    List<Map<String, Object>> all =
        Arrays.stream(Judge0Status.values()).map(Judge0Status::view).toList();
    return Judge0Json.respond(json, HttpStatus.OK, all);
  }

  @Get("/about")
  HttpResponse<String> about() {
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("version", JUDGE0_VERSION);
    // Judge0 names its own sites here; ours has none to name.
    about.put("homepage", null);
    about.put("source_code", null);
    about.put("maintainer", "GozoLite: the Judge0 CE API on GozoLite's sandboxes and queue");
    return Judge0Json.respond(json, HttpStatus.OK, about);
  }

  private HttpResponse<String> notFound() {
    return Judge0Json.respond(json, HttpStatus.NOT_FOUND, Map.of("error", "Not Found"));
  }
}
