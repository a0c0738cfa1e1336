import Hummingbird
import Prometheus
enum _P {}
