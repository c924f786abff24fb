package dev.parley.support;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Tests run against the WAR the build produced, not a hand-assembled copy of it. */
public final class Deployments {

    private Deployments() {}

    public static WebArchive parley() {
        File war = new File(System.getProperty("parley.war", "target/parley.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
