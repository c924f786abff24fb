package dev.parley.platform.boundary;

import dev.parley.accounts.entity.Identity;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The REST root. It must be a CDI bean: Payara only turns MP-JWT on for an
 * {@code Application} carrying {@code @LoginConfig} that CDI manages.
 */
@ApplicationPath("api")
@ApplicationScoped
@LoginConfig(authMethod = "MP-JWT", realmName = "parley")
@DeclareRoles(ParleyApplication.USER)
public class ParleyApplication extends Application {

    /** The group every Parley token carries. */
    public static final String USER = Identity.USER_GROUP;
}
