package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lifeboat.protocol.Param;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A new, empty instance of identifier {@code createInstance} in the shape recorded for the database (backup account
 * and Region), then the dump loaded into database {@code targetDatabase} of it ({@code "from": "dump"} with
 * {@code createInstance}): for when the snapshot copies cannot be used. Each value of the instance left null is
 * the recorded one; {@code deletionProtection} is on unless turned off.
 */
@JsonIgnoreProperties(value = "from", allowGetters = true)
public record NewInstanceRestore(
        String database,
        String backup,
        boolean dryRun,
        String createInstance,
        String targetDatabase,
        String targetAccount,
        String targetRegion,
        String instanceClass,
        String subnetGroup,
        List<String> securityGroups,
        String parameterGroup,
        String optionGroup,
        Boolean multiAz,
        Boolean deletionProtection,
        boolean createNetwork,
        List<String> subnets,
        List<String> dropParameters,
        boolean keepOwnership,
        Instant toTime,
        Integer jobs,
        boolean singleTransaction,
        Integer timeoutMinutes)
        implements RestoreRequest {
    public NewInstanceRestore {
        database = Fields.required(database, Param.DATABASE);
        backup = Fields.backup(backup);
        createInstance = Fields.required(createInstance, Param.CREATE_INSTANCE);
        targetDatabase = Fields.name(targetDatabase);
        targetAccount = Fields.name(targetAccount);
        targetRegion = Fields.name(targetRegion);
        instanceClass = Fields.name(instanceClass);
        subnetGroup = Fields.name(subnetGroup);
        securityGroups = Fields.names(securityGroups, Param.SECURITY_GROUP);
        parameterGroup = Fields.name(parameterGroup);
        optionGroup = Fields.name(optionGroup);
        deletionProtection = deletionProtection == null || deletionProtection;
        subnets = Fields.names(subnets, Param.SUBNET);
        dropParameters = Fields.names(dropParameters, Param.DROP_PARAMETER);
        Fields.subnetsNeedCreateNetwork(subnets, createNetwork);
        jobs = Fields.atLeastOne(jobs, Param.JOBS);
        timeoutMinutes = Fields.atLeastOne(timeoutMinutes, Param.TIMEOUT_MINUTES);
    }

    @Override
    public String from() {
        return "dump";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For front ends that gather the values one by one (the command line's options). */
    public static final class Builder {
        private String database;
        private String backup;
        private boolean dryRun;
        private String createInstance;
        private String targetDatabase;
        private String targetAccount;
        private String targetRegion;
        private String instanceClass;
        private String subnetGroup;
        private List<String> securityGroups = new ArrayList<>();
        private String parameterGroup;
        private String optionGroup;
        private Boolean multiAz;
        private Boolean deletionProtection;
        private boolean createNetwork;
        private List<String> subnets = new ArrayList<>();
        private List<String> dropParameters = new ArrayList<>();
        private boolean keepOwnership;
        private Instant toTime;
        private Integer jobs;
        private boolean singleTransaction;
        private Integer timeoutMinutes;

        private Builder() {}

        public Builder database(String v) {
            database = v;
            return this;
        }

        public Builder backup(String v) {
            backup = v;
            return this;
        }

        public Builder dryRun(boolean v) {
            dryRun = v;
            return this;
        }

        public Builder createInstance(String v) {
            createInstance = v;
            return this;
        }

        public Builder targetDatabase(String v) {
            targetDatabase = v;
            return this;
        }

        public Builder targetAccount(String v) {
            targetAccount = v;
            return this;
        }

        public Builder targetRegion(String v) {
            targetRegion = v;
            return this;
        }

        public Builder instanceClass(String v) {
            instanceClass = v;
            return this;
        }

        public Builder subnetGroup(String v) {
            subnetGroup = v;
            return this;
        }

        public Builder securityGroups(List<String> v) {
            securityGroups = v;
            return this;
        }

        public Builder parameterGroup(String v) {
            parameterGroup = v;
            return this;
        }

        public Builder optionGroup(String v) {
            optionGroup = v;
            return this;
        }

        public Builder multiAz(Boolean v) {
            multiAz = v;
            return this;
        }

        public Builder deletionProtection(Boolean v) {
            deletionProtection = v;
            return this;
        }

        public Builder createNetwork(boolean v) {
            createNetwork = v;
            return this;
        }

        public Builder subnets(List<String> v) {
            subnets = v;
            return this;
        }

        public Builder dropParameters(List<String> v) {
            dropParameters = v;
            return this;
        }

        public Builder keepOwnership(boolean v) {
            keepOwnership = v;
            return this;
        }

        public Builder toTime(Instant v) {
            toTime = v;
            return this;
        }

        public Builder jobs(Integer v) {
            jobs = v;
            return this;
        }

        public Builder singleTransaction(boolean v) {
            singleTransaction = v;
            return this;
        }

        public Builder timeoutMinutes(Integer v) {
            timeoutMinutes = v;
            return this;
        }

        public NewInstanceRestore build() {
            return new NewInstanceRestore(
                    database,
                    backup,
                    dryRun,
                    createInstance,
                    targetDatabase,
                    targetAccount,
                    targetRegion,
                    instanceClass,
                    subnetGroup,
                    securityGroups,
                    parameterGroup,
                    optionGroup,
                    multiAz,
                    deletionProtection,
                    createNetwork,
                    subnets,
                    dropParameters,
                    keepOwnership,
                    toTime,
                    jobs,
                    singleTransaction,
                    timeoutMinutes);
        }
    }
}
