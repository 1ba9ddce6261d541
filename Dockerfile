# Ember node image. Build: docker build -t ember .   Run a head: docker run --network host ember
# (the default conf binds Hazelcast, the event bus and Redis to 127.0.0.1; for a multi-host
# cluster mount your own conf with a routable cluster.host and member list).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /ember
COPY --from=build /src/target/node.jar node.jar
COPY conf conf
ENTRYPOINT ["java", "-jar", "node.jar"]
CMD ["-cluster", "-conf", "conf/head.json"]
