package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.core.error.AwsCallFailedException;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The incident alert's way out, against moto's SNS: the subject and message reach a subscriber (an HTTP endpoint
 * of this test, which moto posts the notification to), and a topic that is not there fails with SNS's own code.
 */
@ExtendWith(RealParts.class)
class SnsNotifierIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theAlert_reachesASubscriber_withItsSubjectAndMessage(MotoServer moto) throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (SnsClient sns = moto.clients().sns("eu-west-1")) {
            String topic = sns.createTopic(b -> b.name("lifeboat-alarms-" + UUID.randomUUID()))
                    .topicArn();
            sns.subscribe(b -> b.topicArn(topic)
                    .protocol("http")
                    .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/"));

            new SnsNotifier(sns, topic)
                    .send("Lifeboat: DeleteDBInstance of orders", "orders-prod was deleted\nnewest good dump: ...");

            JsonNode notification = null;
            for (int i = 0; i < 5 && notification == null; i++) {
                String body = received.poll(10, TimeUnit.SECONDS);
                assertThat(body).as("a notification within 10 s").isNotNull();
                JsonNode n = JSON.readTree(body);
                if ("Notification".equals(n.path("Type").asText())) {
                    notification = n;
                }
            }
            assertThat(notification).isNotNull();
            assertThat(notification.path("Subject").asText()).isEqualTo("Lifeboat: DeleteDBInstance of orders");
            assertThat(notification.path("Message").asText())
                    .isEqualTo("orders-prod was deleted\nnewest good dump: ...");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aTopicThatIsNotThere_failsWithSnsOwnCode_andWhatToCheck(MotoServer moto) {
        try (SnsClient sns = moto.clients().sns("eu-west-1")) {
            String missing = "arn:aws:sns:eu-west-1:123456789012:lifeboat-gone-" + UUID.randomUUID();

            assertThatThrownBy(() -> new SnsNotifier(sns, missing).send("s", "m"))
                    .isInstanceOf(AwsCallFailedException.class)
                    .hasMessageContaining("sns:Publish to " + missing + " was refused")
                    .satisfies(e ->
                            assertThat(((AwsCallFailedException) e).errorCode()).isEqualTo("NotFound"));
        }
    }
}
