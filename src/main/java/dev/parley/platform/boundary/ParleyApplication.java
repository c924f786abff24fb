package dev.parley.platform.boundary;

import dev.parley.accounts.entity.Identity;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The REST root. It must be a CDI bean: Payara only turns MP-JWT on for an
 * {@code Application} carrying {@code @LoginConfig} that CDI manages.
 */
@ApplicationPath("api")
@ApplicationScoped
@LoginConfig(authMethod = "MP-JWT", realmName = "parley")
@DeclareRoles(ParleyApplication.USER)
// the /openapi document's head; the annotations are inert where no OpenAPI runtime reads them
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Parley",
                        version = "0.1.0",
                        description = "Real-time chat: REST here; WebSocket frames in docs/protocol.md",
                        license = @License(name = "Apache-2.0")))
@SecurityScheme(
        securitySchemeName = ParleyApplication.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "JWT",
        description = "the token from POST /api/auth/login")
public class ParleyApplication extends Application {

    /** The OpenAPI security scheme: an RS256 token in {@code Authorization: Bearer}. */
    public static final String BEARER = "bearer";

    /** The group every Parley token carries. */
    public static final String USER = Identity.USER_GROUP;
}
