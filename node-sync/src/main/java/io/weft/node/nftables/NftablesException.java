package io.weft.node.nftables;

/** nft could not be run or refused a command; the message is nft's first error line. */
public final class NftablesException extends RuntimeException {

    public NftablesException(String message) {
        super(message);
    }

    public NftablesException(String message, Throwable cause) {
        super(message, cause);
    }
}
