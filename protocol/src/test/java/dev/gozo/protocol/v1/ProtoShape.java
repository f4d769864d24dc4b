package dev.gozo.protocol.v1;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire-relevant shape of the protocol, one line per field or enum value: {@code message
 * gozo.v1.ExecuteJob 10 repeatable_id bool optional} or {@code enum gozo.v1.JobStatus 3 ...}. Keyed
 * by owner and number, which is what must never change meaning.
 */
final class ProtoShape {

  static final List<FileDescriptor> FILES =
      List.of(ExecutionProto.getDescriptor(), RuntimesProto.getDescriptor());

  private ProtoShape() {}

  /** "message OWNER NUMBER" or "enum OWNER NUMBER" -> the rest of its line. */
  static Map<String, String> of(List<FileDescriptor> files) {
    Map<String, String> shape = new TreeMap<>();
    for (FileDescriptor file : files) {
      file.getMessageTypes().forEach(message -> addMessage(message, shape));
      file.getEnumTypes().forEach(e -> addEnum(e, shape));
    }
    return shape;
  }

  static List<String> lines(Map<String, String> shape) {
    List<String> lines = new ArrayList<>();
    shape.forEach((key, rest) -> lines.add(key + " " + rest));
    return lines;
  }

  private static void addMessage(Descriptor message, Map<String, String> shape) {
    for (FieldDescriptor field : message.getFields()) {
      shape.put(
          "message " + message.getFullName() + " " + field.getNumber(),
          field.getName()
              + " "
              + typeOf(field)
              + " "
              + (field.isRepeated() ? "repeated" : "single"));
    }
    message.getNestedTypes().forEach(nested -> addMessage(nested, shape));
    message.getEnumTypes().forEach(e -> addEnum(e, shape));
  }

  private static void addEnum(EnumDescriptor enumType, Map<String, String> shape) {
    for (EnumValueDescriptor value : enumType.getValues()) {
      shape.put("enum " + enumType.getFullName() + " " + value.getNumber(), value.getName());
    }
  }

  private static String typeOf(FieldDescriptor field) {
    return switch (field.getType()) {
      case MESSAGE, GROUP -> field.getMessageType().getFullName();
      case ENUM -> field.getEnumType().getFullName();
      default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Whether {@code number} is reserved in the message or enum named {@code owner}. */
  static boolean isReserved(List<FileDescriptor> files, String kind, String owner, int number) {
    for (FileDescriptor file : files) {
      if (kind.equals("message")) {
        Descriptor message = findMessage(file, owner);
        if (message != null) {
          return message.isReservedNumber(number);
        }
      } else {
        EnumDescriptor enumType = findEnum(file, owner);
        if (enumType != null) {
          return enumType.isReservedNumber(number);
        }
      }
    }
    return false;
  }

  private static Descriptor findMessage(FileDescriptor file, String fullName) {
    String local = fullName.substring(file.getPackage().length() + 1);
    String[] parts = local.split("\\.");
    Descriptor found = file.findMessageTypeByName(parts[0]);
    for (int i = 1; found != null && i < parts.length; i++) {
      found = found.findNestedTypeByName(parts[i]);
    }
    return found;
  }

  private static EnumDescriptor findEnum(FileDescriptor file, String fullName) {
    String local = fullName.substring(file.getPackage().length() + 1);
    int dot = local.lastIndexOf('.');
    if (dot < 0) {
      return file.findEnumTypeByName(local);
    }
    Descriptor parent = findMessage(file, fullName.substring(0, fullName.lastIndexOf('.')));
    return parent == null ? null : parent.findEnumTypeByName(local.substring(dot + 1));
  }
}
