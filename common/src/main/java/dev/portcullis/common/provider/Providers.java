package dev.portcullis.common.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of every provider Portcullis serves: the OpenAI-compatible table
 * ({@link OpenAiCompatibleProviders}) and the native providers ({@link NativeProviders}). It is the
 * only list of providers in the code base: the gateway's routes and credential rules, the auth
 * service's provider keys, the provider verticles and the model router all read it.
 */
public final class Providers {

  private static final Map<String, ProviderDescriptor> BY_NAME = build();
  private static final List<ProviderDescriptor> ALL = List.copyOf(BY_NAME.values());
  private static final List<String> NAMES = List.copyOf(BY_NAME.keySet());
  private static final List<String> SORTED_NAMES = NAMES.stream().sorted().toList();
  private static final List<String> CLIENT_KEY_HEADERS = collectClientKeyHeaders();

  private Providers() {}

  private static Map<String, ProviderDescriptor> build() {
    Map<String, ProviderDescriptor> byName = new LinkedHashMap<>();
    List<ProviderDescriptor> descriptors = new ArrayList<>();
    OpenAiCompatibleProviders.all().forEach(spec -> descriptors.add(ProviderDescriptor.openAiCompatible(spec)));
    descriptors.addAll(NativeProviders.all());
    for (ProviderDescriptor descriptor : descriptors) {
      if (byName.put(descriptor.name(), descriptor) != null) {
        throw new IllegalStateException("two providers named " + descriptor.name());
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  private static List<String> collectClientKeyHeaders() {
    Set<String> headers = new LinkedHashSet<>();
    // Authorization first: most APIs read it, and it is what a virtual key usually arrives in.
    headers.add("authorization");
    ALL.forEach(descriptor -> headers.addAll(descriptor.clientKeyHeaders()));
    return List.copyOf(headers);
  }

  /** Every provider: the OpenAI-compatible ones first, then the native ones, each in table order. */
  public static List<ProviderDescriptor> all() {
    return ALL;
  }

  /** Every provider's name, in the order of {@link #all()}. */
  public static List<String> names() {
    return NAMES;
  }

  /** Every provider's name, sorted: how messages list them. */
  public static List<String> sortedNames() {
    return SORTED_NAMES;
  }

  /** The provider with this name, or {@code null}. */
  public static ProviderDescriptor named(String name) {
    return name == null ? null : BY_NAME.get(name);
  }

  /** The provider with this name; fails for a name that is not a provider. */
  public static ProviderDescriptor require(String name) {
    ProviderDescriptor descriptor = named(name);
    if (descriptor == null) {
      throw new IllegalArgumentException("no provider named " + name);
    }
    return descriptor;
  }

  public static boolean known(String name) {
    return named(name) != null;
  }

  /** Every header, across all the APIs served, that may carry a client's key (lower case). */
  public static List<String> clientKeyHeaders() {
    return CLIENT_KEY_HEADERS;
  }

  /** The providers of one router role, sorted by name. */
  public static List<ProviderDescriptor> withRouterRole(RouterRole role) {
    return ALL.stream().filter(descriptor -> descriptor.routerRole() == role)
        .sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }
}
