import PostgresNIO
import Crypto
enum _P {}
