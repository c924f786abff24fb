package dev.parley.accounts.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The user behind the current request, known only from the verified token. */
@RequestScoped
public class Caller {

    @Inject
    JsonWebToken jwt;

    @Inject
    Accounts accounts;

    @Inject
    Tokens tokens;

    private User user;

    public User user() {
        if (user == null) {
            String name = jwt.getName();
            // the assistant's account exists in every database: an external issuer's token
            // naming it must not speak for it
            if (name == null || Accounts.isAssistant(name)) {
                throw Refusal.unauthorized("a valid bearer token is required");
            }
            user = accounts.byUsername(name).orElseGet(() -> {
                if (tokens.issuesLocally()) {
                    throw Refusal.unauthorized("the token's account no longer exists");
                }
                return accounts.provision(name);
            });
        }
        return user;
    }
}
