package dev.lifeboat.config;

import dev.lifeboat.core.config.LifeboatConfig;

/**
 * The lifeboat.yml most tests use: backup account 222222222222 in eu-central-1, one database "orders"
 * (PostgreSQL instance orders-prod in 111111111111, eu-west-1), with extra lines where a test needs them.
 */
public final class TestConfigs {
    private TestConfigs() {}

    /**
     * The test lifeboat.yml with extra lines.
     *
     * @param backupExtra lines added under {@code backup:} (no indentation needed)
     * @param sourceExtra lines added under {@code databases.orders.source:}
     * @param databaseExtra lines added under {@code databases.orders:}, e.g. {@code dump:} or {@code verify:} blocks
     */
    public static LifeboatConfig orders(String backupExtra, String sourceExtra, String databaseExtra) {
        return ConfigLoader.parse(
                """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                %sdatabases:
                  orders:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: orders-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-orders
                %s    retention: {daily: 7}
                %s""".formatted(indent(backupExtra, 2), indent(sourceExtra, 6), indent(databaseExtra, 4)),
                "test lifeboat.yml");
    }

    public static LifeboatConfig orders() {
        return orders("", "", "");
    }

    /** A block of YAML lines without the indentation they share (text blocks may close left of their content). */
    public static String block(String yaml) {
        return indent(yaml, 0);
    }

    private static String indent(String block, int spaces) {
        if (block == null || block.isBlank()) {
            return "";
        }
        int min = block.lines()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        StringBuilder out = new StringBuilder();
        block.lines()
                .forEach(l -> out.append(l.isBlank() ? "" : " ".repeat(spaces) + l.substring(min))
                        .append('\n'));
        return out.toString();
    }
}
