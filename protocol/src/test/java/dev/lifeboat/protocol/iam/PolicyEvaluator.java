package dev.lifeboat.protocol.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * IAM's decision for one request, written from the IAM documentation and not from Lifeboat's code, so that a
 * test evaluating Lifeboat's policies with it fails where AWS would refuse:
 *
 * <ul>
 *   <li>Evaluation logic: an explicit deny in any policy wins; an SCP must allow; in the same account an allow
 *       in the identity policy or the resource policy suffices, across accounts both must allow
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
 *   <li>KMS: the key policy is required even in the key's account; an identity policy counts only where the key
 *       policy gives the account (its root principal) access
 *       (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam,
 *       https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
 *   <li>Actions match case-insensitively, resources case-sensitively, both with {@code *} and {@code ?}
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 *   <li>Policy variables ({@code ${aws:PrincipalAccount}}) in Resource and in the values of string and ARN
 *       conditions take the request's value of that key; a variable the request has no value for makes the
 *       statement not match (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 *   <li>Conditions: keys case-insensitive; all operators of a statement and all keys of an operator must hold;
 *       a missing key makes a condition false, except for negated operators (true), {@code ...IfExists} (true)
 *       and {@code Null}; {@code ForAllValues} holds for a missing key, {@code ForAnyValue} does not
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 * </ul>
 *
 * An operator it does not know fails the evaluation rather than guessing.
 */
public final class PolicyEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The SCP every organization starts with. */
    public static final JsonNode FULL_AWS_ACCESS = parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");

    private PolicyEvaluator() {}

    public enum Decision {
        ALLOW,
        IMPLICIT_DENY,
        EXPLICIT_DENY;

        public boolean allowed() {
            return this == ALLOW;
        }
    }

    /**
     * One request. {@code principal}: a role ARN ({@code arn:aws:iam::ACCOUNT:role/NAME}) or a service principal
     * ({@code cloudwatch.amazonaws.com}); {@code context}: the condition keys beyond those derived here
     * ({@code aws:PrincipalArn}, {@code aws:PrincipalAccount}).
     */
    public record Request(String principal, String action, String resource, Map<String, List<String>> context) {
        public Request {
            Map<String, List<String>> c = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.putAll(context);
            if (principal.startsWith("arn:")) {
                c.putIfAbsent("aws:PrincipalArn", List.of(principal));
                c.putIfAbsent("aws:PrincipalAccount", List.of(accountOf(principal)));
            }
            context = c;
        }

        public Request(String principal, String action, String resource) {
            this(principal, action, resource, Map.of());
        }

        public Request with(String key, String... values) {
            Map<String, List<String>> c = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.putAll(context);
            c.put(key, List.of(values));
            return new Request(principal, action, resource, c);
        }

        String account() {
            return principal.startsWith("arn:") ? accountOf(principal) : null;
        }
    }

    /** The policies that apply to one request. Empty lists and null documents mean "none". */
    public record Policies(
            List<JsonNode> scps,
            List<JsonNode> identity,
            JsonNode resourcePolicy,
            String resourceAccount,
            boolean isKeyPolicy) {

        public static Policies identityOnly(String resourceAccount, JsonNode... identity) {
            return new Policies(List.of(), List.of(identity), null, resourceAccount, false);
        }

        public Policies withScps(JsonNode... scp) {
            List<JsonNode> all = new ArrayList<>(List.of(FULL_AWS_ACCESS));
            all.addAll(List.of(scp));
            return new Policies(all, identity, resourcePolicy, resourceAccount, isKeyPolicy);
        }
    }

    public static Decision decide(Request request, Policies policies) {
        for (JsonNode doc : policies.scps()) {
            if (matchesAny(doc, "Deny", request, false)) {
                return Decision.EXPLICIT_DENY;
            }
        }
        for (JsonNode doc : policies.identity()) {
            if (matchesAny(doc, "Deny", request, false)) {
                return Decision.EXPLICIT_DENY;
            }
        }
        if (policies.resourcePolicy() != null && matchesAny(policies.resourcePolicy(), "Deny", request, true)) {
            return Decision.EXPLICIT_DENY;
        }
        if (!policies.scps().isEmpty()
                && policies.scps().stream().noneMatch(d -> matchesAny(d, "Allow", request, false))) {
            return Decision.IMPLICIT_DENY;
        }
        boolean identityAllows = policies.identity().stream().anyMatch(d -> matchesAny(d, "Allow", request, false));
        boolean sameAccount = policies.resourceAccount().equals(request.account());
        JsonNode resource = policies.resourcePolicy();
        boolean resourceAllowsPrincipal = resource != null && allowsPrincipal(resource, request, false);
        boolean resourceAllowsAccount = resource != null && allowsPrincipal(resource, request, true);
        boolean allowed;
        if (policies.isKeyPolicy()) {
            // The key policy must allow: the principal itself, or its account, and then its IAM policy must too.
            allowed = resourceAllowsPrincipal || (resourceAllowsAccount && identityAllows);
        } else if (request.account() == null) {
            allowed = resourceAllowsPrincipal; // a service principal holds no identity policy
        } else if (sameAccount) {
            allowed = identityAllows || resourceAllowsPrincipal;
        } else {
            allowed = identityAllows && (resourceAllowsPrincipal || resourceAllowsAccount);
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    /** Does the resource policy allow this request, naming the principal ({@code false}) or its account's root? */
    private static boolean allowsPrincipal(JsonNode doc, Request request, boolean viaAccountRoot) {
        for (JsonNode s : statements(doc)) {
            if ("Allow".equals(s.path("Effect").asText())
                    && actionAndResourceMatch(s, request)
                    && principalMatches(s, request, viaAccountRoot)
                    && conditionsHold(s.get("Condition"), request)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(JsonNode doc, String effect, Request request, boolean resourcePolicy) {
        for (JsonNode s : statements(doc)) {
            if (effect.equals(s.path("Effect").asText())
                    && actionAndResourceMatch(s, request)
                    && (!resourcePolicy || principalMatches(s, request, false) || principalMatches(s, request, true))
                    && conditionsHold(s.get("Condition"), request)) {
                return true;
            }
        }
        return false;
    }

    private static boolean actionAndResourceMatch(JsonNode s, Request request) {
        boolean action = s.has("NotAction")
                ? values(s.get("NotAction")).stream().noneMatch(a -> wildcard(a, request.action(), true))
                : values(s.get("Action")).stream().anyMatch(a -> wildcard(a, request.action(), true));
        if (!action) {
            return false;
        }
        if (s.has("NotResource")) {
            return values(s.get("NotResource")).stream().noneMatch(r -> wildcard(r, request.resource(), false));
        }
        // A resource policy may omit Resource (it then means the resource it is attached to).
        return !s.has("Resource")
                || values(s.get("Resource")).stream()
                        .map(r -> substituted(r, request))
                        .anyMatch(r -> r != null && wildcard(r, request.resource(), false));
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    /**
     * A policy string with its variables replaced by the request's values; null when one has none. Only
     * single-valued keys can be variables; the literal forms {@code ${*}}, {@code ${?}}, {@code ${$}} are not used
     * by Lifeboat and fail the evaluation rather than being guessed.
     */
    static String substituted(String policyValue, Request request) {
        var m = VARIABLE.matcher(policyValue);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            if (key.equals("*") || key.equals("?") || key.equals("$") || key.contains(",")) {
                throw new IllegalArgumentException("policy variable form not modelled: " + m.group());
            }
            List<String> v = request.context().get(key);
            if (v == null || v.size() != 1) {
                return null;
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v.getFirst()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The Principal element: {@code "*"}, an account id or its root ARN (the account, which then delegates to
     * IAM), a role ARN, or a service.
     */
    private static boolean principalMatches(JsonNode s, Request request, boolean viaAccountRoot) {
        JsonNode p = s.get("Principal");
        if (p == null) {
            return false;
        }
        if (p.isTextual()) {
            return "*".equals(p.asText());
        }
        for (String aws : values(p.get("AWS"))) {
            if ("*".equals(aws)) {
                return true;
            }
            String account = request.account();
            if (account == null) {
                continue;
            }
            boolean root = aws.equals(account) || aws.equals("arn:aws:iam::" + account + ":root");
            if (viaAccountRoot ? root : aws.equals(request.principal())) {
                return true;
            }
        }
        return !viaAccountRoot && values(p.get("Service")).contains(request.principal());
    }

    private static boolean conditionsHold(JsonNode condition, Request request) {
        if (condition == null) {
            return true;
        }
        for (var op : condition.properties()) {
            for (var key : op.getValue().properties()) {
                List<String> policyValues = values(key.getValue()).stream()
                        .map(v -> substituted(v, request))
                        .filter(java.util.Objects::nonNull)
                        .toList();
                if (!holds(op.getKey(), request.context().get(key.getKey()), policyValues)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean holds(String operator, List<String> present, List<String> policyValues) {
        String op = operator;
        String set = null;
        if (op.startsWith("ForAllValues:") || op.startsWith("ForAnyValue:")) {
            set = op.substring(0, op.indexOf(':'));
            op = op.substring(op.indexOf(':') + 1);
        }
        boolean ifExists = op.endsWith("IfExists");
        if (ifExists) {
            op = op.substring(0, op.length() - "IfExists".length());
        }
        boolean missing = present == null || present.isEmpty();
        if (op.equals("Null")) {
            if (set != null || ifExists || policyValues.size() != 1) {
                throw new IllegalArgumentException("unsupported use of Null: " + operator);
            }
            return Boolean.parseBoolean(policyValues.getFirst()) == missing;
        }
        boolean negated = op.contains("Not");
        String base = op.replace("Not", "");
        if (!List.of("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Bool")
                .contains(base)) {
            throw new IllegalArgumentException("condition operator not modelled: " + operator);
        }
        if (set != null) {
            if (missing) {
                return set.equals("ForAllValues");
            }
            return set.equals("ForAllValues")
                    ? present.stream().allMatch(v -> matchesOne(base, v, policyValues) != negated)
                    : present.stream().anyMatch(v -> matchesOne(base, v, policyValues) != negated);
        }
        if (missing) {
            return ifExists || negated;
        }
        boolean any = present.stream().anyMatch(v -> matchesOne(base, v, policyValues));
        return negated ? !any : any;
    }

    private static boolean matchesOne(String base, String value, List<String> policyValues) {
        return policyValues.stream().anyMatch(p -> switch (base) {
            case "StringEquals", "ArnEquals" -> p.equals(value);
            case "StringEqualsIgnoreCase", "Bool" -> p.equalsIgnoreCase(value);
            case "StringLike", "ArnLike" -> wildcard(p, value, false);
            default -> throw new IllegalArgumentException(base);
        });
    }

    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            re.append(
                    switch (c) {
                        case '*' -> ".*";
                        case '?' -> ".";
                        default -> Pattern.quote(String.valueOf(c));
                    });
        }
        Pattern p = ignoreCase
                ? Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
                : Pattern.compile(re.toString(), Pattern.DOTALL);
        return p.matcher(value).matches();
    }

    private static List<JsonNode> statements(JsonNode doc) {
        JsonNode s = doc.get("Statement");
        List<JsonNode> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        if (s.isArray()) {
            s.forEach(out::add);
        } else {
            out.add(s);
        }
        return out;
    }

    private static List<String> values(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    static String accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 5 || parts[4].isEmpty()) {
            throw new IllegalArgumentException("not an ARN with an account: " + arn);
        }
        return parts[4];
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a policy document: " + e.getMessage(), e);
        }
    }
}
