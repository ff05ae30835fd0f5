# syntax=docker/dockerfile:1
# Portcullis image: built with Maven on a JDK 17 image, run on a small JRE 17 base as a non-root user.
#   docker build -t portcullis .
#   docker run -p 9000:9000 portcullis

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Poms first, so the dependency download is cached while only sources change.
COPY pom.xml ./
COPY common/pom.xml common/
COPY policy/pom.xml policy/
COPY testkit/pom.xml testkit/
COPY database/pom.xml database/
COPY console/pom.xml console/
COPY gateway/pom.xml gateway/
COPY auth-service/pom.xml auth-service/
COPY router-service/pom.xml router-service/
COPY provider-verticles/pom.xml provider-verticles/
COPY usage-service/pom.xml usage-service/
COPY app/pom.xml app/
COPY bench/pom.xml bench/
COPY examples/event-bus-client/pom.xml examples/event-bus-client/
RUN mvn -B -q -pl app -am dependency:go-offline -DskipTests || true
COPY . .
RUN mvn -B -q -pl app -am package -DskipTests

FROM eclipse-temurin:17-jre-alpine
RUN addgroup -S -g 1000 portcullis && adduser -S -u 1000 -G portcullis -h /var/lib/portcullis portcullis \
    && apk add --no-cache curl
WORKDIR /var/lib/portcullis
COPY --from=build /src/app/target/portcullis.jar /opt/portcullis/portcullis.jar
# Numeric, so Kubernetes can check runAsNonRoot.
USER 1000
# Gateway, admin API (auth role), Prometheus metrics; 5701 is the Hazelcast member port in a cluster.
EXPOSE 9000 9001 9050 5701
# No heap or GC option here: the launcher restarts the JVM in place with flags sized for a gateway
# (README, "Memory"), its heap capped at half the container's memory limit when that is smaller.
# Any -Xmx, -XX:MaxRAMPercentage or GC option in JAVA_OPTS, or PORTCULLIS_JVM_TUNING=false, keeps
# the JVM as started instead.
ENV PORTCULLIS_DATA_DIR=/var/lib/portcullis/data \
    JAVA_OPTS="--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9000/health || curl -fsS http://127.0.0.1:9050/metrics -o /dev/null -H "Authorization: Bearer ${ARCHESTRA_METRICS_SECRET}" || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/portcullis/portcullis.jar \"$@\"", "portcullis"]
