package dev.parley.accounts.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/** The admin group: granted by configuration only ({@code parley.admin.users}), so no API call can make an admin. */
@ApplicationScoped
public class Admins {

    private Set<String> keys = Set.of();

    @PostConstruct
    void load() {
        // read as a list here: not every server injects Optional<List<String>>
        keys =
                ConfigProvider.getConfig()
                        .getOptionalValues("parley.admin.users", String.class)
                        .orElse(List.of())
                        .stream()
                        .map(String::strip)
                        .filter(name -> !name.isEmpty())
                        .map(User::keyOf)
                        .collect(Collectors.toUnmodifiableSet());
    }

    public boolean isAdmin(User user) {
        return keys.contains(User.keyOf(user.username()));
    }

    public User require(User user) {
        if (!isAdmin(user)) {
            throw Refusal.forbidden("this needs an admin: see parley.admin.users");
        }
        return user;
    }
}
