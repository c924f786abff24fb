# Parley on the official Payara Micro image (same version as the run command, JDK 17).
# Build the WAR first:  ./mvnw package   (it also puts the PostgreSQL driver in target/lib)
FROM payara/micro:6.2025.10-jdk17

COPY --chown=payara server-config/ /opt/payara/server-config/
COPY --chown=payara target/lib/postgresql.jar /opt/payara/libs/postgresql.jar
COPY --chown=payara target/parley.war /opt/payara/parley.war
RUN mkdir -p /opt/payara/data

# PARLEY_DB picks the pool: h2 (file database in the data volume) or postgres (PARLEY_DB_* variables)
ENV PARLEY_DB=h2 \
    PARLEY_DATA_DIR=/opt/payara/data
VOLUME /opt/payara/data
EXPOSE 8080

ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl -Dparley.data.dir=\"$PARLEY_DATA_DIR\" $JVM_ARGS -jar /opt/payara/payara-micro.jar --nohazelcast --minhttpthreads 16 --maxhttpthreads 64 --contextroot / --addlibs /opt/payara/libs/postgresql.jar --prebootcommandfile /opt/payara/server-config/payara-micro/preboot.asadmin --postbootcommandfile /opt/payara/server-config/payara-micro/$PARLEY_DB.asadmin --logproperties /opt/payara/server-config/payara-micro/logging.properties --deploy /opt/payara/parley.war"]
