# Ember node image: one node (a head or a worker) per container, its conf mounted at /etc/ember/node.json.
# UNTESTED HERE: the machines Ember is developed on have no container engine and no base images, so
# this file has never been built; src/test/java/io/ember/cli/ContainerTest checks what can be checked
# without one (the files it copies exist, the user is not root, the confs validate, the launch
# command runs). See README "Container" and deploy/docker/compose.yml (head + 2 workers).
#
#   docker build -t ember .
#   docker compose -f deploy/docker/compose.yml up
#
# Build stage: the same `mvn package` as on a workstation; it produces target/node.jar (shade plugin).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# redis-server for the Redis group (the jar also carries an x86-64 one; the package serves any architecture)
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ember \
    && useradd --system --uid 10001 --gid ember --home-dir /var/lib/ember --no-create-home ember \
    && mkdir -p /opt/ember/lib /etc/ember /var/lib/ember \
    && chown ember:ember /var/lib/ember
COPY --from=build /src/target/node.jar /opt/ember/node.jar
COPY deploy/docker/ember /opt/ember/bin/ember
COPY conf/docker/head.json conf/docker/worker.json /etc/ember/
ENV PATH="/opt/ember/bin:${PATH}" \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
# User code: jars with the classes the conf's `functions` and `actors.classes` name, mounted or
# copied here (FROM ember / COPY my-jobs.jar /opt/ember/lib/); they are on the class path of every node.
# Data: node.log, the Redis member's append-only file and sentinel state, spill files.
VOLUME ["/var/lib/ember"]
WORKDIR /var/lib/ember
USER ember:ember
# Hazelcast 5701 (TCP), event bus 5710 and object transfers 5711 (TLS, fixed by conf/docker/*.json),
# the Redis group's members 6390-6392 and sentinels 26390-26392, the dashboard 8265 and Prometheus
# metrics 9090 (once a conf turns them on). UDP heartbeats use an ephemeral port: let UDP through
# between the nodes (a compose network does).
EXPOSE 5701 5710 5711 6390 6391 6392 26390 26391 26392 8265 9090
ENTRYPOINT ["/opt/ember/bin/ember"]
CMD ["-cluster", "-conf", "/etc/ember/node.json"]
