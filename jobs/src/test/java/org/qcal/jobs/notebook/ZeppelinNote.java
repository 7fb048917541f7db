package org.qcal.jobs.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Zeppelin note ({@code .zpln}, the JSON Zeppelin 0.9 to 0.12 store and export) read the way
 * Zeppelin reads it: its name and its paragraphs in order, each paragraph's text split as
 * Zeppelin's {@code ParagraphTextParser} does into the interpreter ({@code %spark},
 * {@code %md}, ...; empty for the note's default interpreter) and the script after it.
 *
 * @param name the note's name
 * @param defaultInterpreterGroup the interpreter of paragraphs without a prefix
 * @param paragraphs in note order
 */
record ZeppelinNote(String name, String defaultInterpreterGroup, List<Paragraph> paragraphs) {

  /** Zeppelin's pattern of the interpreter prefix at the start of a paragraph's text. */
  private static final Pattern PREFIX =
      Pattern.compile("^(\\s*)%([a-zA-Z0-9_\\-]+(?:\\.\\w+)*)");

  /**
   * One paragraph.
   *
   * @param index its position in the note, from 1
   * @param id its id
   * @param title its title, or empty
   * @param interpreter the prefix without {@code %} ({@code spark}, {@code md}, {@code sh}), or
   *     empty when the paragraph has none (the note's default interpreter runs it)
   * @param script the text after the prefix, leading blanks removed
   * @param enabled whether Zeppelin would run it ({@code config.enabled}, default true)
   */
  record Paragraph(int index, String id, String title, String interpreter, String script,
      boolean enabled) {

    /** "paragraph 4 (Calibrate with every method)", for failure messages. */
    String describe() {
      return "paragraph " + index + (title.isEmpty() ? "" : " (" + title + ")");
    }

    /** The interpreter group that runs it: {@code spark} for {@code %spark}, {@code %spark.x}. */
    String group(String defaultGroup) {
      String intp = interpreter.isEmpty() ? defaultGroup : interpreter;
      int dot = intp.indexOf('.');
      return dot < 0 ? intp : intp.substring(0, dot);
    }
  }

  static ZeppelinNote read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (!root.path("paragraphs").isArray()) {
      throw new IOException(file + " is not a Zeppelin note: no \"paragraphs\" array");
    }
    List<Paragraph> paragraphs = new ArrayList<>();
    int index = 1;
    for (JsonNode p : root.get("paragraphs")) {
      String text = p.path("text").asText("");
      Matcher m = PREFIX.matcher(text);
      String interpreter = "";
      String script = text;
      if (m.find()) {
        interpreter = m.group(2);
        int end = m.end();
        if (end < text.length() && text.charAt(end) == '(') {
          throw new IOException("paragraph " + index + ": local properties (%" + interpreter
              + "(...)) are not supported by the notebook test");
        }
        script = text.substring(end);
      }
      paragraphs.add(new Paragraph(index++, p.path("id").asText(""), p.path("title").asText(""),
          interpreter, stripLeadingSpaces(script),
          p.path("config").path("enabled").asBoolean(true)));
    }
    return new ZeppelinNote(root.path("name").asText(""),
        root.path("defaultInterpreterGroup").asText("spark"), List.copyOf(paragraphs));
  }

  /** Zeppelin strips the blanks after the prefix but keeps the line breaks. */
  private static String stripLeadingSpaces(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) == ' ') {
      i++;
    }
    return text.substring(i);
  }
}
