package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.lifeboat.protocol.Param;
import java.util.ArrayList;
import java.util.List;

/**
 * A new instance or cluster from a snapshot copy in the backup account ({@code "from": "snapshot"}). Each value of
 * the new database left null is taken from the shape recorded with the backup, else RDS's default;
 * {@code deletionProtection} is on unless turned off.
 */
@JsonIgnoreProperties(value = "from", allowGetters = true)
public record SnapshotRestore(
        String database,
        String backup,
        boolean dryRun,
        String targetInstance,
        String targetAccount,
        String targetRegion,
        String targetKmsKeyArn,
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
        boolean noShape)
        implements RestoreRequest {
    public SnapshotRestore {
        database = Fields.required(database, Param.DATABASE);
        backup = Fields.backup(backup);
        targetInstance = Fields.required(targetInstance, Param.TARGET_INSTANCE);
        targetAccount = Fields.name(targetAccount);
        targetRegion = Fields.name(targetRegion);
        targetKmsKeyArn = Fields.name(targetKmsKeyArn);
        instanceClass = Fields.name(instanceClass);
        subnetGroup = Fields.name(subnetGroup);
        securityGroups = Fields.names(securityGroups, Param.SECURITY_GROUP);
        parameterGroup = Fields.name(parameterGroup);
        optionGroup = Fields.name(optionGroup);
        deletionProtection = deletionProtection == null || deletionProtection;
        subnets = Fields.names(subnets, Param.SUBNET);
        dropParameters = Fields.names(dropParameters, Param.DROP_PARAMETER);
        Fields.subnetsNeedCreateNetwork(subnets, createNetwork);
    }

    @Override
    public String from() {
        return "snapshot";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For front ends that gather the values one by one (the command line's options). */
    public static final class Builder {
        private String database;
        private String backup;
        private boolean dryRun;
        private String targetInstance;
        private String targetAccount;
        private String targetRegion;
        private String targetKmsKeyArn;
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
        private boolean noShape;

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

        public Builder targetInstance(String v) {
            targetInstance = v;
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

        public Builder targetKmsKeyArn(String v) {
            targetKmsKeyArn = v;
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

        public Builder noShape(boolean v) {
            noShape = v;
            return this;
        }

        public SnapshotRestore build() {
            return new SnapshotRestore(
                    database,
                    backup,
                    dryRun,
                    targetInstance,
                    targetAccount,
                    targetRegion,
                    targetKmsKeyArn,
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
                    noShape);
        }
    }
}
