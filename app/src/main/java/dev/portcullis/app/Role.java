package dev.portcullis.app;

import dev.portcullis.common.settings.SettingsException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The parts a Portcullis process can run. */
public enum Role {
  GATEWAY, AUTH, ROUTER, PROVIDERS;

  public static Set<Role> parse(String setting, List<String> names) {
    if (names.isEmpty()) {
      throw new SettingsException(setting, "names no role; use some of gateway,auth,router,providers");
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      try {
        roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(setting, "unknown role '" + name + "'; use some of gateway,auth,router,providers");
      }
    }
    return roles;
  }
}
