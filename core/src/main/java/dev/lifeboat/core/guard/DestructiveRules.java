package dev.lifeboat.core.guard;

import dev.lifeboat.core.guard.CommandHook.Arg;
import dev.lifeboat.core.guard.CommandHook.Target;
import java.util.List;
import java.util.Set;

/**
 * The table of destructive command families that need no code of their own: a tool, the words (its subcommand,
 * task or argument) that make it destroy, the flags of which one must be present (none: the words are enough), and
 * where the tool documents them. The families with options to read (Terraform, Pulumi's up and destroy, the aws
 * command line, the SQL clients, kubectl, pg_restore) are read by {@link CommandHook} itself.
 *
 * <p>A word sequence matches when it appears, in order and contiguous, among the command's words that are not
 * options; {@code ?} stands for any one word, and a word ending in {@code *} matches by prefix ({@code db:drop*}:
 * {@code db:drop}, {@code db:drop:all}, {@code db:drop:primary}).
 */
final class DestructiveRules {
    /** One family. */
    record Rule(
            String family,
            Set<String> tools,
            List<List<String>> words,
            List<String> anyFlag,
            Target target,
            String docs) {

        boolean matches(List<Arg> args) {
            List<String> positional = args.stream()
                    .filter(a -> !a.text().startsWith("-"))
                    .map(Arg::text)
                    .toList();
            boolean words = this.words.stream().anyMatch(w -> contains(positional, w));
            if (!words) {
                return false;
            }
            return anyFlag.isEmpty()
                    || args.stream()
                            .anyMatch(a -> anyFlag.stream()
                                    .anyMatch(
                                            f -> a.text().equals(f) || a.text().startsWith(f + "=")));
        }

        private static boolean contains(List<String> positional, List<String> seq) {
            for (int start = 0; start + seq.size() <= positional.size(); start++) {
                boolean all = true;
                for (int k = 0; k < seq.size() && all; k++) {
                    all = word(positional.get(start + k), seq.get(k));
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        private static boolean word(String actual, String pattern) {
            if (pattern.equals("?")) {
                return true;
            }
            if (pattern.endsWith("*")) {
                return actual.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return actual.equals(pattern);
        }
    }

    private static Rule rule(String family, Set<String> tools, List<List<String>> words, Target t, String docs) {
        return new Rule(family, tools, words, List.of(), t, docs);
    }

    private static Rule rule(
            String family, Set<String> tools, List<List<String>> words, List<String> flags, Target t, String docs) {
        return new Rule(family, tools, words, flags, t, docs);
    }

    private static final Set<String> RAILS = Set.of("rails", "rake");

    static final List<Rule> RULES = List.of(
            rule(
                    "pulumi stack rm --force",
                    Set.of("pulumi"),
                    List.of(List.of("stack", "rm")),
                    List.of("--force", "-f"),
                    Target.INFRASTRUCTURE,
                    "https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_rm/"),
            rule(
                    "cdk destroy",
                    Set.of("cdk", "aws-cdk", "cdklocal"),
                    List.of(List.of("destroy")),
                    Target.INFRASTRUCTURE,
                    "https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-destroy.html"),
            rule(
                    "sst remove",
                    Set.of("sst"),
                    List.of(List.of("remove")),
                    Target.INFRASTRUCTURE,
                    "https://sst.dev/docs/reference/cli/#remove"),
            rule(
                    "serverless remove",
                    Set.of("serverless", "sls"),
                    List.of(List.of("remove")),
                    Target.INFRASTRUCTURE,
                    "https://www.serverless.com/framework/docs/providers/aws/cli-reference/remove"),
            rule(
                    "drizzle-kit push --force",
                    Set.of("drizzle-kit"),
                    List.of(List.of("push")),
                    List.of("--force"),
                    Target.DATABASE,
                    "https://orm.drizzle.team/docs/drizzle-kit-push (--force: auto-approve data loss statements)"),
            rule(
                    "prisma migrate reset",
                    Set.of("prisma"),
                    List.of(List.of("migrate", "reset")),
                    Target.DATABASE,
                    "https://www.prisma.io/docs/orm/reference/prisma-cli-reference#migrate-reset"),
            rule(
                    "prisma db push with data loss",
                    Set.of("prisma"),
                    List.of(List.of("db", "push")),
                    List.of("--force-reset", "--accept-data-loss"),
                    Target.DATABASE,
                    "https://www.prisma.io/docs/orm/reference/prisma-cli-reference#db-push"),
            rule(
                    "rails database task",
                    RAILS,
                    List.of(
                            List.of("db:drop*"),
                            List.of("db:reset*"),
                            List.of("db:schema:load*"),
                            List.of("db:structure:load*"),
                            List.of("db:migrate:reset*"),
                            List.of("db:purge*"),
                            List.of("db:seed:replant"),
                            List.of("db:truncate_all*")),
                    Target.DATABASE,
                    "https://guides.rubyonrails.org/active_record_migrations.html#setup-the-database"),
            rule(
                    "django flush",
                    Set.of("manage.py", "django-admin"),
                    List.of(List.of("flush"), List.of("migrate", "?", "zero"), List.of("reset_db")),
                    Target.DATABASE,
                    "https://docs.djangoproject.com/en/stable/ref/django-admin/#flush"),
            rule(
                    "sequelize db:drop",
                    Set.of("sequelize", "sequelize-cli"),
                    List.of(List.of("db:drop"), List.of("db:migrate:undo:all")),
                    Target.DATABASE,
                    "https://github.com/sequelize/cli#documentation"),
            rule(
                    "typeorm schema:drop",
                    Set.of("typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm"),
                    List.of(List.of("schema:drop")),
                    Target.DATABASE,
                    "https://typeorm.io/using-cli#drop-database-schema"),
            rule(
                    "knex migrate:rollback --all",
                    Set.of("knex"),
                    List.of(List.of("migrate:rollback")),
                    List.of("--all"),
                    Target.DATABASE,
                    "https://knexjs.org/guide/migrations.html#migration-cli"),
            rule(
                    "alembic downgrade base",
                    Set.of("alembic"),
                    List.of(List.of("downgrade", "base")),
                    Target.DATABASE,
                    "https://alembic.sqlalchemy.org/en/latest/tutorial.html#downgrading"),
            rule(
                    "flyway clean",
                    Set.of("flyway"),
                    List.of(List.of("clean")),
                    Target.DATABASE,
                    "https://documentation.red-gate.com/fd/clean-184127458.html"),
            rule(
                    "liquibase drop-all",
                    Set.of("liquibase"),
                    List.of(List.of("drop-all"), List.of("dropAll")),
                    Target.DATABASE,
                    "https://docs.liquibase.com/commands/utility/drop-all.html"),
            rule(
                    "dropdb",
                    Set.of("dropdb"),
                    List.of(List.of()),
                    Target.DATABASE,
                    "https://www.postgresql.org/docs/current/app-dropdb.html"),
            rule(
                    "mysqladmin drop",
                    Set.of("mysqladmin", "mariadb-admin"),
                    List.of(List.of("drop")),
                    Target.DATABASE,
                    "https://dev.mysql.com/doc/refman/8.0/en/mysqladmin.html"),
            rule(
                    "heroku pg:reset",
                    Set.of("heroku"),
                    List.of(List.of("pg:reset")),
                    Target.DATABASE,
                    "https://devcenter.heroku.com/articles/heroku-cli-commands#heroku-pg-reset-database"),
            rule(
                    "supabase db reset",
                    Set.of("supabase"),
                    List.of(List.of("db", "reset")),
                    Target.DATABASE,
                    "https://supabase.com/docs/reference/cli/supabase-db-reset"),
            rule(
                    "helm uninstall",
                    Set.of("helm"),
                    List.of(List.of("uninstall"), List.of("delete"), List.of("del"), List.of("un")),
                    Target.INFRASTRUCTURE,
                    "https://helm.sh/docs/helm/helm_uninstall/"));

    /**
     * The families read in code whose look-alikes carry destructive words as data ({@code psql -c "SELECT 'DROP
     * TABLE x'"}, {@code terraform plan -destroy}): their reader decides, the rule for unknown commands does not
     * apply to them.
     */
    static final Set<String> READ_IN_CODE =
            Set.of("terraform", "tofu", "terragrunt", "psql", "mysql", "mariadb", "pg_restore");

    /**
     * Commands that never run their arguments as a command: what they are given is data (text to print, a
     * pattern, a file name, a message). Any other command whose arguments name a destructive command or
     * destructive SQL is blocked as unreadable ({@code awk 'BEGIN{system("dropdb x")}'}, {@code strace dropdb x},
     * {@code git -c alias.x='!dropdb x' x}): the guard cannot know how a tool it does not read uses its words.
     */
    static final Set<String> INERT = Set.of(
            "echo",
            "printf",
            "cat",
            "tac",
            "head",
            "tail",
            "less",
            "more",
            "grep",
            "egrep",
            "fgrep",
            "zgrep",
            "rg",
            "ag",
            "ack",
            "ls",
            "tree",
            "wc",
            "sort",
            "uniq",
            "cut",
            "tr",
            "diff",
            "cmp",
            "file",
            "stat",
            "touch",
            "mkdir",
            "cp",
            "mv",
            "ln",
            "chmod",
            "chown",
            "cd",
            "pushd",
            "popd",
            "pwd",
            "man",
            "info",
            "help",
            "tldr",
            "whatis",
            "apropos",
            "which",
            "type",
            "whereis",
            "hash",
            "test",
            "[",
            "[[",
            "true",
            "false",
            ":",
            "jq",
            "yq",
            "tee",
            "read",
            "basename",
            "dirname",
            "realpath",
            "readlink",
            "date",
            "sleep",
            "exit",
            "return",
            "unset",
            "pip",
            "pip3",
            "brew",
            "apt",
            "apt-get",
            "code",
            "vim",
            "vi",
            "nvim",
            "nano",
            "emacs");

    /**
     * Commands that are inert with these subcommands only (and, for git, no {@code -c} configuration, which can
     * define an alias that runs a shell command): {@code git commit -m "drop the table"} is data; {@code git
     * rebase --exec}, {@code git bisect run} or an alias run commands.
     */
    static final java.util.Map<String, Set<String>> INERT_SUBCOMMANDS = java.util.Map.of(
            "git",
            Set.of(
                    "add",
                    "blame",
                    "branch",
                    "checkout",
                    "clone",
                    "commit",
                    "diff",
                    "fetch",
                    "grep",
                    "init",
                    "log",
                    "merge",
                    "mv",
                    "notes",
                    "pull",
                    "push",
                    "remote",
                    "reset",
                    "restore",
                    "revert",
                    "rm",
                    "show",
                    "stash",
                    "status",
                    "switch",
                    "tag"),
            "gh",
            Set.of("pr", "issue", "release", "repo", "search", "browse", "gist", "label"));

    /**
     * Whether {@code name} with {@code args} only takes its words as data. Editors ({@code vim}, {@code nvim},
     * ...) are inert unless given a command to run ({@code -c}, {@code +cmd}, {@code --cmd}).
     */
    static boolean inert(String name, List<Arg> args) {
        if (Set.of("vim", "vi", "nvim", "emacs").contains(name)) {
            return args.stream()
                    .map(Arg::text)
                    .noneMatch(a -> a.equals("-c")
                            || a.startsWith("+")
                            || a.startsWith("--cmd")
                            || a.equals("-S")
                            || a.startsWith("--eval")
                            || a.equals("-l")
                            || a.startsWith("--load"));
        }
        if (INERT.contains(name)) {
            return true;
        }
        Set<String> subcommands = INERT_SUBCOMMANDS.get(name);
        if (subcommands == null) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            String t = args.get(i).text();
            if (t.equals("-c") || t.startsWith("--config-env") || t.startsWith("--exec-path")) {
                return false; // git -c alias.x='!cmd': a configuration that can run commands
            }
            if (Set.of("-C", "--git-dir", "--work-tree", "--namespace", "-R", "--repo")
                    .contains(t)) {
                i++; // git -C DIR, gh -R OWNER/REPO: an option's value
            } else if (!t.startsWith("-")) {
                return args.get(i).known() && subcommands.contains(t);
            }
        }
        return false;
    }

    /** Every tool name of the table and of the families read in code: what an interpreter's code is searched for. */
    static final Set<String> NAMES = names();

    private static Set<String> names() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>();
        RULES.forEach(r -> all.addAll(r.tools()));
        all.addAll(Set.of(
                "terraform",
                "tofu",
                "terragrunt",
                "aws",
                "awscli",
                "boto3",
                "psql",
                "mysql",
                "mariadb",
                "pg_restore",
                "kubectl",
                "delete_db_instance",
                "delete_db_cluster",
                "DeleteDBInstance",
                "DeleteDBCluster",
                "deleteDBInstance",
                "deleteDBCluster",
                "delete-db-instance",
                "delete-db-cluster"));
        return java.util.Collections.unmodifiableSet(all);
    }

    private DestructiveRules() {}
}
