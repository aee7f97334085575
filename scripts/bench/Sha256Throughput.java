import java.security.MessageDigest;

/** SHA-256 over 1 GiB in 256 KiB buffers (the dump path's copy buffer), three rounds; prints MB/s per round. */
public class Sha256Throughput {
    public static void main(String[] args) throws Exception {
        byte[] buffer = new byte[256 * 1024];
        long total = 1L << 30;
        for (int round = 1; round <= 3; round++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long start = System.nanoTime();
            for (long done = 0; done < total; done += buffer.length) {
                sha.update(buffer);
            }
            sha.digest();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: %.0f MB/s%n", round, total / 1e6 / seconds);
        }
    }
}
