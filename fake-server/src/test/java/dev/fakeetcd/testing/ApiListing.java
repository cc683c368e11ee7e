package dev.fakeetcd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a module, as text: every public type of the given packages (nested ones too,
 * where every enclosing type is public) with its public and protected members, generic signatures
 * included, in name order. {@link #check} compares it with the listing committed in the module's
 * {@code api/} directory, so an API change shows up in review.
 */
public final class ApiListing {

  /** System property that rewrites the committed listing instead of comparing with it. */
  public static final String UPDATE = "api.update";

  private ApiListing() {
  }

  /** The listing of {@code packages}, read from the classes directory or jar of {@code anchor}. */
  public static String render(Class<?> anchor, String... packages) {
    List<Class<?>> types = new ArrayList<>();
    for (String name : classNames(anchor, packages)) {
      try {
        addApiTypes(Class.forName(name, false, anchor.getClassLoader()), types);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    StringBuilder sb = new StringBuilder();
    for (Class<?> type : types) {
      sb.append(header(type)).append('\n');
      // Fields, then constructors, then methods, each by name and parameters.
      Map<String, String> members = new TreeMap<>();
      for (Field f : type.getDeclaredFields()) {
        if (isApi(f)) {
          members.put("0 " + f.getName(), modifiers(f.getModifiers()) + name(f.getGenericType())
              + " " + f.getName() + constant(f));
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (isApi(c)) {
          String signature = signature(c);
          members.put("1 " + signature, modifiers(c.getModifiers())
              + typeParameters(c.getTypeParameters()) + type.getSimpleName() + signature);
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (isApi(m) && !m.isBridge()) {
          String signature = m.getName() + signature(m);
          Object value = m.getDefaultValue();
          members.put("2 " + signature, modifiers(m.getModifiers() & Modifier.methodModifiers())
              + typeParameters(m.getTypeParameters()) + name(m.getGenericReturnType()) + " "
              + signature + (value == null ? "" : " default " + value(value)));
        }
      }
      members.values().forEach(m -> sb.append("  ").append(m).append('\n'));
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * Compares {@code actual} with the file {@code committed} (relative to the module's directory),
   * failing with the difference; with {@code -Dapi.update=true} rewrites the file instead.
   */
  public static void check(String committed, String header, String actual) {
    Path file = Path.of(System.getProperty("basedir", ".")).resolve(committed);
    String expected = header + actual;
    try {
      if (Boolean.getBoolean(UPDATE)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, expected, StandardCharsets.UTF_8);
        return;
      }
      String onDisk = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (!onDisk.equals(expected)) {
        throw new AssertionError("The public API differs from " + committed
            + " (- listed, + actual):\n"
            + diff(onDisk.lines().toList(), expected.lines().toList())
            + "If the change is meant, rewrite the listing: mvn -B -ntp -o -pl <module> -am test"
            + " -Dtest=ApiListingTest -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE + "=true"
            + " and commit it.");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(actual).as("the API names no internal type").doesNotContain(".internal.");
  }

  private static List<String> classNames(Class<?> anchor, String... packages) {
    try {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        return classNames(location, packages);
      }
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        return classNames(jar.getPath("/"), packages);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The top-level classes of {@code packages} under {@code root}; nested ones come from them. */
  private static List<String> classNames(Path root, String... packages) throws IOException {
    List<String> names = new ArrayList<>();
    for (String pkg : packages) {
      try (Stream<Path> files = Files.list(root.resolve(pkg.replace('.', '/')))) {
        files.map(f -> f.getFileName().toString())
            .filter(f -> f.endsWith(".class") && !f.contains("$") && !f.contains("-info"))
            .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - ".class".length())));
      }
    }
    return names;
  }

  private static void addApiTypes(Class<?> type, List<Class<?>> into) {
    if (!isApi(type.getModifiers()) || type.isSynthetic()) {
      return;
    }
    into.add(type);
    for (Class<?> nested : type.getDeclaredClasses()) {
      addApiTypes(nested, into);
    }
  }

  private static boolean isApi(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static boolean isApi(Member member) {
    return isApi(member.getModifiers()) && !member.isSynthetic();
  }

  private static String header(Class<?> type) {
    int mods = type.getModifiers() & Modifier.classModifiers();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isEnum()) {
      kind = "enum";
      mods &= ~(Modifier.FINAL | Modifier.STATIC);
    } else if (type.isRecord()) {
      kind = "record";
      mods &= ~(Modifier.FINAL | Modifier.STATIC);
    } else {
      kind = "class";
    }
    StringBuilder sb = new StringBuilder(modifiers(mods)).append(kind).append(' ')
        .append(type.getName().replace('$', '.')).append(typeParameters(type.getTypeParameters()));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
      sb.append(" extends ").append(name(superclass));
    }
    List<Type> interfaces = Arrays.stream(type.getGenericInterfaces())
        .filter(i -> !type.isAnnotation()).toList();
    if (!interfaces.isEmpty()) {
      sb.append(type.isInterface() ? " extends " : " implements ")
          .append(interfaces.stream().map(ApiListing::name).collect(Collectors.joining(", ")));
    }
    return sb.toString();
  }

  private static String modifiers(int modifiers) {
    String s = Modifier.toString(modifiers);
    return s.isEmpty() ? "" : s + " ";
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    return Arrays.stream(variables).map(v -> {
      List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
          .map(ApiListing::name).toList();
      return v.getName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds));
    }).collect(Collectors.joining(", ", "<", "> "));
  }

  private static String signature(Executable e) {
    List<String> params = new ArrayList<>(Arrays.stream(e.getGenericParameterTypes())
        .map(ApiListing::name).toList());
    if (e.isVarArgs()) {
      String last = params.remove(params.size() - 1);
      params.add(last.substring(0, last.length() - 2) + "...");
    }
    Type[] thrown = e.getGenericExceptionTypes();
    return "(" + String.join(", ", params) + ")" + (thrown.length == 0 ? "" : " throws "
        + Arrays.stream(thrown).map(ApiListing::name).collect(Collectors.joining(", ")));
  }

  private static String name(Type type) {
    return type.getTypeName().replace('$', '.');
  }

  /** {@code " = value"} for a compile-time constant, whose value callers compile in. */
  private static String constant(Field f) {
    int mods = f.getModifiers();
    boolean constantType = f.getType().isPrimitive() || f.getType() == String.class;
    if (!Modifier.isStatic(mods) || !Modifier.isFinal(mods) || !constantType) {
      return "";
    }
    try {
      return " = " + value(f.get(null));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String value(Object value) {
    if (value instanceof String s) {
      return '"' + s + '"';
    }
    if (value instanceof Class<?> c) {
      return name(c) + ".class";
    }
    if (value.getClass().isArray()) {
      String s = Arrays.deepToString(new Object[] {value});
      return "{" + s.substring(2, s.length() - 2) + "}";
    }
    return String.valueOf(value);
  }

  /**
   * The lines only in {@code before} (-) and only in {@code after} (+), from their LCS, each change
   * under the type it belongs to.
   */
  private static String diff(List<String> before, List<String> after) {
    int[][] lcs = new int[before.size() + 1][after.size() + 1];
    for (int i = before.size() - 1; i >= 0; i--) {
      for (int j = after.size() - 1; j >= 0; j--) {
        lcs[i][j] = before.get(i).equals(after.get(j)) ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder sb = new StringBuilder();
    String type = "";
    String shown = "";
    int i = 0;
    int j = 0;
    while (i < before.size() || j < after.size()) {
      String line;
      if (i < before.size() && j < after.size() && before.get(i).equals(after.get(j))) {
        line = before.get(i++);
        j++;
      } else {
        boolean added = j < after.size() && (i == before.size() || lcs[i][j + 1] >= lcs[i + 1][j]);
        line = added ? after.get(j++) : before.get(i++);
        if (!line.startsWith(" ") && !line.isEmpty()) {
          type = line;
        } else if (!type.equals(shown)) {
          sb.append("in ").append(type).append(":\n");
        }
        shown = type;
        sb.append(added ? "+ " : "- ").append(line).append('\n');
        continue;
      }
      if (!line.startsWith(" ") && !line.isEmpty()) {
        type = line;
      }
    }
    return sb.toString();
  }

  /** For a listing's first lines: {@code # } before each. */
  public static String comment(String... lines) {
    return Arrays.stream(lines).map(l -> "# " + l + "\n").collect(Collectors.joining());
  }
}
