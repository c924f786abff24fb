package dev.parley.accounts.control;

import dev.parley.accounts.entity.User;
import dev.parley.platform.control.Refusal;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * The user behind the current request, known only from the verified token. The token's name is
 * handed in by {@code AccessCheck}, which holds the request's principal anyway: reaching it through
 * an injected {@code JsonWebToken} cost a JNDI look-up that throws, on every request (Payara).
 */
@RequestScoped
public class Caller {

    @Inject
    Accounts accounts;

    @Inject
    Tokens tokens;

    private String name;
    private User user;

    /** The verified token's name, once per request, before any resource method runs. */
    public void identify(String name) {
        this.name = name;
    }

    public User user() {
        if (user == null) {
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
