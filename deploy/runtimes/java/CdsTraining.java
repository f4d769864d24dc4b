import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Scanner;
import java.util.stream.Collectors;

/** Training program for the CDS archive: loads what typical small submissions load. */
public class CdsTraining {
  public static void main(String[] args) {
    List<String> words = new ArrayList<>(List.of("b", "a", "c"));
    words.sort(String::compareTo);
    Map<Integer, List<String>> byLength =
        words.stream().collect(Collectors.groupingBy(String::length));
    Scanner scanner = new Scanner("1 2 3");
    long sum = 0;
    while (scanner.hasNextInt()) {
      sum += scanner.nextInt();
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s %d %.2f%n", byLength, sum, Math.sqrt(sum)));
    System.out.print(out);
  }
}
